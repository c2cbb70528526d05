import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts', 'test/setup/temp-root.ts'],
    testTimeout: 60_000,
    // Suites that build their input in beforeAll (a CDK synth, a check over every fixture) need as long as a test.
    hookTimeout: 60_000,
  },
});
