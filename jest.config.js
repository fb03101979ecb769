/** Tests run against a real database: PGlite by default, PostgreSQL with TEST_DATABASE_URL. */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testRegex: '\\.(spec|e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: { '^src/(.*)$': '<rootDir>/src/$1', '^migrations/(.*)$': '<rootDir>/migrations/$1', '^test/(.*)$': '<rootDir>/test/$1', '^scripts/(.*)$': '<rootDir>/scripts/$1' },
  testTimeout: 60000,
};
