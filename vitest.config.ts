import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  // Compiles widget views for the server-rendering snapshot tests (tests/snapshots).
  plugins: [svelte()],
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/theory/**/*.test.ts', 'tests/build/**/*.test.ts', 'tests/snapshots/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
