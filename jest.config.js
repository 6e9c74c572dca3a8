/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/lib'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  modulePathIgnorePatterns: ['<rootDir>/cdk.out', '<rootDir>/cdk.out.validate', '/node_modules/', '/dist/'],
  // Synth-heavy suites share two cores; more workers only add memory.
  maxWorkers: 2,
  // Jest recycles a worker whose heap in use after a test file exceeds this. It measures heapUsed,
  // not RSS: after a CDK file the heap in use may be low while the RSS stays at several hundred MB,
  // so a worker's RSS can grow with the next file (2026-12-07, plain test files: full `npm test`
  // runs peak at 930-936 MiB in the largest process; with 800MB instead, jest alone was about 7%
  // faster and peaked at 1.1 GiB, over the suite's 1 GB budget). A worker with a large heap also needs
  // more than jest's default 500 ms to exit on a busy machine: without a longer grace jest kills
  // it and reports "A worker process has failed to exit gracefully" although no handle is open
  // (an idle worker holding 300 arrays of 100k objects reproduces it; no timer or socket outlives
  // a suite, checked with async_hooks).
  workerIdleMemoryLimit: '400MB',
  workerGracefulExitTimeout: 5000,
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
