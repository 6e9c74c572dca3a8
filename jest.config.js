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
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
