import { defineConfig } from 'vitest/config';

// Browser tests over the built site: `npm run test:e2e` (scripts/e2e.mjs builds what is missing).
// Each file launches one Chromium; two files run at a time.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/e2e/global-setup.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    // A widget's state catches up within a few frames, but a loaded CI machine can take seconds:
    // polls wait up to 10 s unless a test says otherwise (Vitest's default is 1 s).
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    reporters: ['default'],
  },
});
