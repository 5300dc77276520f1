// Tests run as native ESM (node --experimental-vm-modules); @swc/jest strips the types.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
      sourceMaps: 'inline',
    }],
  },
  testTimeout: 60000,
  // Two files at a time: most of a file's time is spent waiting for the processes it starts (masters,
  // slaves, pip, PostgreSQL), so on 2 cores 2,100 s of file times took 1,137 s (README, Quick start);
  // jest's default there (cores - 1) would run everything in one process.
  maxWorkers: 2,
  // One PostgreSQL server for the whole run (spec/support/postgres-global-setup.ts).
  globalSetup: '<rootDir>/spec/support/postgres-global-setup.ts',
  globalTeardown: '<rootDir>/spec/support/postgres-global-teardown.ts',
  // Ends a run that something a test left open would keep alive (spec/support/exit-guard-reporter.mjs).
  reporters: ['default', '<rootDir>/spec/support/exit-guard-reporter.mjs'],
};
