// Finds and launches a system Chromium for the e2e tests and the scripts (shots, e2e).
// Shared by TypeScript tests and plain Node scripts, so it is plain ESM with JSDoc types.
//
// Playwright's own browser download is not used: we drive whatever Chromium/Chrome is installed.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** Paths tried, in order, after the environment variables. */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** Environment variables read, in order. */
export const CHROMIUM_ENV = ['CHROMIUM_PATH', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH'];

export class ChromiumNotFoundError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'ChromiumNotFoundError';
  }
}

/**
 * Path of a Chromium/Chrome executable. Throws ChromiumNotFoundError saying what to install or set.
 * @param {{ env?: Record<string, string | undefined>, candidates?: string[], exists?: (p: string) => boolean }} [opts]
 * @returns {string}
 */
export function findChromium(opts = {}) {
  const env = opts.env ?? process.env;
  const exists = opts.exists ?? existsSync;
  const candidates = opts.candidates ?? CHROMIUM_CANDIDATES;
  for (const name of CHROMIUM_ENV) {
    const p = env[name];
    if (!p) continue;
    if (exists(p)) return p;
    throw new ChromiumNotFoundError(`${name} is set to "${p}", but no file is there. Point it at a Chromium or Chrome executable, or unset it.`);
  }
  for (const p of candidates) if (exists(p)) return p;
  throw new ChromiumNotFoundError(
    [
      'No Chromium or Chrome found for the browser tests.',
      `Looked for: ${CHROMIUM_ENV.map((n) => '$' + n).join(', ')}, ${candidates.join(', ')}.`,
      'Fix one of:',
      '  - Debian/Ubuntu: sudo apt-get install -y chromium   (installs /usr/bin/chromium)',
      '  - macOS: install Google Chrome (https://www.google.com/chrome/)',
      '  - or set CHROMIUM_PATH=/path/to/chrome (any Chromium-based browser, version 120+).',
      '(Playwright\'s own "npx playwright install" is not used by this project.)',
    ].join('\n'),
  );
}

/** Flags every launch gets. */
export const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'];

/** Extra flags per WebGL preset: headless Chromium has no GPU, so WebGL needs SwiftShader. */
export const WEBGL_ARGS = {
  swiftshader: ['--enable-unsafe-swiftshader', '--use-angle=swiftshader'],
  // --disable-webgl alone leaves WebGL on OffscreenCanvas (which tfjs uses): turn the GPU process's
  // software fallback off too.
  none: ['--disable-webgl', '--disable-3d-apis', '--disable-gpu', '--disable-software-rasterizer'],
};

/**
 * Launches headless Chromium.
 * @param {{ webgl?: 'swiftshader' | 'none', headless?: boolean, args?: string[], executablePath?: string }} [opts]
 * @returns {Promise<import('playwright-core').Browser>}
 */
export async function launch(opts = {}) {
  const webgl = opts.webgl ?? 'swiftshader';
  if (!(webgl in WEBGL_ARGS)) throw new Error(`launch: webgl must be 'swiftshader' or 'none', not ${JSON.stringify(webgl)}`);
  const executablePath = opts.executablePath ?? findChromium();
  return chromium.launch({
    executablePath,
    headless: opts.headless ?? true,
    args: [...BASE_ARGS, ...WEBGL_ARGS[webgl], ...(opts.args ?? [])],
  });
}
