import { defineConfig } from 'vitest/config';
import e2e from './vitest.e2e.config.ts';

// `npm run test:reliability` (scripts/reliability.mjs): the soak over the built site, with the
// browser tests of hostile input and faults that `npm test` also runs. One file at a time: the soak
// measures heap and tensors, and a second Chromium working beside it would only add noise.
// (Not mergeConfig: it would add this include to the e2e one instead of replacing it.)
export default defineConfig({
  test: {
    ...e2e.test,
    include: ['tests/reliability/**/*.test.ts', 'tests/e2e/hostile.test.ts', 'tests/e2e/faults.test.ts', 'tests/e2e/no-js.test.ts'],
    maxWorkers: 1,
    fileParallelism: false,
  },
});
