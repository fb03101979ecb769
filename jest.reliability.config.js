/**
 * The reliability suite (`npm run test:reliability`): load, database faults, shutdown, crashes
 * mid-upload, hostile input and resource bounds, against the BUILT service in child processes.
 * One file at a time (--runInBand); every test bounds its own time.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testRegex: 'test/reliability/.*\\.rel-spec\\.ts$',
  testTimeout: 10 * 60_000,
  slowTestThreshold: 600,
  globalSetup: '<rootDir>/test/reliability/setup.ts',
  globalTeardown: '<rootDir>/test/reliability/report.ts',
};
