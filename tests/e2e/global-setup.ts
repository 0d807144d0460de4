/**
 * Starts the static servers once for all e2e files: dist/ at `/` and dist-course/ at `/course/`,
 * on random ports. E2E_DIST and E2E_COURSE_DIST override the folders (used to develop the harness).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { serve } from '../../scripts/serve.mjs';

export default async function setup(project: TestProject) {
  const siteDir = resolve(process.env.E2E_DIST || 'dist');
  const courseDir = resolve(process.env.E2E_COURSE_DIST || 'dist-course');
  if (!existsSync(resolve(siteDir, 'index.html'))) {
    throw new Error(`${siteDir}/index.html is missing: build the site first (npm run build), or run everything with npm run test:e2e.`);
  }
  const main = await serve({ dir: siteDir, base: '/', port: 0, quiet: true });
  const course = existsSync(resolve(courseDir, 'index.html')) ? await serve({ dir: courseDir, base: '/course/', port: 0, quiet: true }) : null;
  project.provide('siteUrl', main.url);
  project.provide('siteDir', siteDir);
  project.provide('courseUrl', course?.url ?? '');
  project.provide('courseDir', courseDir);
  return async () => {
    await main.close();
    await course?.close();
  };
}
