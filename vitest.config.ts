import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The suite starts real loopback servers; two cores, so keep parallelism modest.
    maxWorkers: 2,
    // Tests talk to loopback only: the credential chain must never probe the cloud metadata address.
    env: { ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'true' },
  },
});
