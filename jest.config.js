/** Tests run against a real database: PGlite by default, PostgreSQL with TEST_DATABASE_URL. */
const { esmBundles } = require('./jest.esm-bundles');

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'cjs', 'json'],
  testRegex: '\\.(spec|e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: {
    '^src/(.*)$': '<rootDir>/src/$1',
    '^migrations/(.*)$': '<rootDir>/migrations/$1',
    '^test/(.*)$': '<rootDir>/test/$1',
    '^scripts/(.*)$': '<rootDir>/scripts/$1',
    // Packages published only as ES modules, as CommonJS bundles (jest.esm-bundles.js).
    ...esmBundles(),
  },
  testTimeout: 60000,
};
