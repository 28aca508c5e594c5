import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{rtl,sim,kernels,testbench,waves}/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
