// Finds and launches a Chromium for the e2e tests and the scripts (shots, bench, e2e).
// Shared by TypeScript tests and plain Node scripts, so it is plain ESM with JSDoc types.
//
// Which browser, first match wins:
//   1. $CHROMIUM_PATH, then $PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH ("env");
//   2. a system Chromium/Chrome at one of CHROMIUM_CANDIDATES ("system"), unless
//      IW_SKIP_SYSTEM_CHROMIUM=1 (CI sets it to prove step 3 works);
//   3. the headless Chromium shipped inside the npm package @sparticuz/chromium ("packaged", a
//      devDependency; Linux x64 only). Its tarball carries the binary, brotli-compressed; the first
//      use unpacks it (~2 s, ~220 MB) into ~/.cache/infinite-width/chromium-<version>/ (honours
//      $XDG_CACHE_HOME), and later uses find it there.
// So `npm test` needs no browser installed. Playwright's own browser download is not used.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** Set to 1 to skip the system paths (step 2), so the packaged browser is used unless an env var names one. */
export const SKIP_SYSTEM_ENV = 'IW_SKIP_SYSTEM_CHROMIUM';

/** The npm package that ships a Chromium. */
export const PACKAGE = '@sparticuz/chromium';

export class ChromiumNotFoundError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'ChromiumNotFoundError';
  }
}

/**
 * @typedef {{ version: string, binDir: string, entry: string }} PackagedInfo
 *   The installed @sparticuz/chromium: its version, its bin/ folder (the .br files), its JS entry.
 * @typedef {{
 *   source: 'env' | 'system' | 'packaged',
 *   path: string,
 *   reason: string,
 *   packaged?: PackagedInfo & { dir: string },
 * }} ChromiumChoice
 *   `path` is the executable; for 'packaged', where it is once unpacked (`dir` is its folder), which
 *   `resolveChromium` makes sure of.
 */

/**
 * The installed @sparticuz/chromium, or null when it is not installed or ships no binary for this
 * platform (it carries a Linux x64 build only).
 * @param {{ platform?: string, arch?: string }} [o]
 * @returns {PackagedInfo | null}
 */
export function packagedInfo(o = {}) {
  if ((o.platform ?? process.platform) !== 'linux' || (o.arch ?? process.arch) !== 'x64') return null;
  let entry;
  try {
    entry = createRequire(import.meta.url).resolve(PACKAGE);
  } catch {
    return null;
  }
  const root = join(dirname(entry), '..');
  const binDir = join(root, 'bin');
  if (!existsSync(join(binDir, 'chromium.br'))) return null;
  let version = 'unknown';
  try {
    version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version ?? version;
  } catch {
    /* keep 'unknown' */
  }
  return { version, binDir, entry };
}

/**
 * Folder the packaged browser is unpacked into: $XDG_CACHE_HOME (else ~/.cache)/infinite-width/chromium-<version>.
 * @param {string} version
 * @param {Record<string, string | undefined>} [env]
 */
export function packagedDir(version, env = process.env) {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'infinite-width', `chromium-${version}`);
}

/**
 * Decides which Chromium to use (see the top of this file); does not unpack anything. Throws
 * ChromiumNotFoundError saying what to install or set when there is none.
 * @param {{
 *   env?: Record<string, string | undefined>,
 *   candidates?: string[],
 *   exists?: (p: string) => boolean,
 *   packaged?: () => PackagedInfo | null,
 * }} [opts]
 * @returns {ChromiumChoice}
 */
export function chooseChromium(opts = {}) {
  const env = opts.env ?? process.env;
  const exists = opts.exists ?? existsSync;
  const candidates = opts.candidates ?? CHROMIUM_CANDIDATES;
  for (const name of CHROMIUM_ENV) {
    const p = env[name];
    if (!p) continue;
    if (exists(p)) return { source: 'env', path: p, reason: `$${name} is set` };
    throw new ChromiumNotFoundError(`${name} is set to "${p}", but no file is there. Point it at a Chromium or Chrome executable, or unset it.`);
  }
  const skipSystem = env[SKIP_SYSTEM_ENV] === '1';
  if (!skipSystem) for (const p of candidates) if (exists(p)) return { source: 'system', path: p, reason: 'system browser: the first of the usual install paths found' };
  const info = (opts.packaged ?? packagedInfo)();
  if (info) {
    const dir = packagedDir(info.version, env);
    const why = skipSystem ? `${SKIP_SYSTEM_ENV}=1 skips the system paths` : 'no $CHROMIUM_PATH and no system Chromium/Chrome found';
    return { source: 'packaged', path: join(dir, 'chromium'), reason: `packaged ${PACKAGE} ${info.version}: ${why}`, packaged: { ...info, dir } };
  }
  throw new ChromiumNotFoundError(
    [
      'No Chromium or Chrome found for the browser tests.',
      `Looked for: ${CHROMIUM_ENV.map((n) => '$' + n).join(', ')}, ${skipSystem ? `(system paths skipped: ${SKIP_SYSTEM_ENV}=1)` : candidates.join(', ')}, and the npm package ${PACKAGE} (Linux x64 only; run \`npm install\` to get it).`,
      'Fix one of:',
      '  - Debian/Ubuntu: sudo apt-get install -y chromium   (installs /usr/bin/chromium)',
      '  - macOS: install Google Chrome (https://www.google.com/chrome/)',
      '  - or set CHROMIUM_PATH=/path/to/chrome (any Chromium-based browser, version 120+).',
      '(Playwright\'s own "npx playwright install" is not used by this project.)',
    ].join('\n'),
  );
}

/**
 * Path of the Chromium `chooseChromium` picks (for the packaged one: where it is once unpacked).
 * @param {Parameters<typeof chooseChromium>[0]} [opts]
 * @returns {string}
 */
export function findChromium(opts = {}) {
  return chooseChromium(opts).path;
}

/**
 * Unpacks the packaged browser into `dir` unless it is there. @sparticuz/chromium's
 * `executablePath()` unpacks into os.tmpdir() (chromium, the SwiftShader libraries, fonts/), and
 * reuses whatever /tmp/chromium it finds, of any version. So it runs with TMPDIR pointing at a
 * fresh staging folder next to `dir`, which is then renamed into place: `dir` exists only complete,
 * and processes racing here (test workers) each unpack and one rename wins.
 * @param {PackagedInfo & { dir: string }} p
 */
async function unpack(p) {
  const exe = join(p.dir, 'chromium');
  if (existsSync(exe)) return;
  const parent = dirname(p.dir);
  mkdirSync(parent, { recursive: true });
  // Staging folders left by a killed run.
  for (const e of readdirSync(parent)) {
    if (!e.startsWith('.staging-')) continue;
    const f = join(parent, e);
    try {
      if (Date.now() - statSync(f).mtimeMs > 3600_000) rmSync(f, { recursive: true, force: true });
    } catch {
      /* another process's */
    }
  }
  const stage = join(parent, `.staging-${process.pid}-${Date.now()}`);
  mkdirSync(stage, { recursive: true });
  const t0 = performance.now();
  const saved = process.env.TMPDIR;
  try {
    process.env.TMPDIR = stage;
    const mod = await import(pathToFileURL(p.entry).href);
    const Chromium = mod.default;
    const got = await Chromium.executablePath(p.binDir);
    if (got !== join(stage, 'chromium')) throw new Error(`${PACKAGE} unpacked to ${got}, not into ${stage}`);
    // NSS, NSPR and expat, which the binary links and a bare Linux may lack (the package unpacks
    // these on Amazon Linux only). Used through LD_LIBRARY_PATH, see `packagedEnv`.
    await mod.inflate(join(p.binDir, 'al2023.tar.br'));
  } catch (e) {
    rmSync(stage, { recursive: true, force: true });
    throw new Error(`Could not unpack the Chromium in ${PACKAGE} into ${p.dir}: ${/** @type {Error} */ (e).message}`);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  // Used only when the system has no fontconfig set-up (see `packagedEnv`).
  writeFileSync(
    join(stage, 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(p.dir, 'fonts', 'fonts')}</dir>\n  <dir>/usr/share/fonts</dir>\n  <dir>/usr/local/share/fonts</dir>\n  <cachedir>${join(p.dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
  );
  try {
    renameSync(stage, p.dir);
  } catch (e) {
    rmSync(stage, { recursive: true, force: true });
    if (!existsSync(exe)) throw e;
    return; // another process got there first
  }
  console.error(`[chromium] unpacked ${PACKAGE} ${p.version} into ${p.dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * Environment for the packaged browser: its own NSS/NSPR/expat first on LD_LIBRARY_PATH (the same
 * libraries on every machine, and a bare Linux has none), and its fonts.conf when the system has no
 * /etc/fonts/fonts.conf (no fontconfig: Chromium would have no fonts at all).
 * @param {string} dir
 * @param {Record<string, string | undefined>} [env]
 * @param {(p: string) => boolean} [exists]
 * @returns {Record<string, string>}
 */
export function packagedEnv(dir, env = process.env, exists = existsSync) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  const lib = join(dir, 'al2023', 'lib');
  out.LD_LIBRARY_PATH = env.LD_LIBRARY_PATH ? `${lib}:${env.LD_LIBRARY_PATH}` : lib;
  if (!env.FONTCONFIG_FILE && !env.FONTCONFIG_PATH && !exists('/etc/fonts/fonts.conf')) out.FONTCONFIG_FILE = join(dir, 'fonts.conf');
  return out;
}

/** @type {Promise<ChromiumChoice> | undefined} */
let resolved;

/**
 * `chooseChromium()`, with the packaged browser unpacked when that is the choice. Prints which
 * browser and why once per process (to stderr), unless $IW_CHROMIUM_ANNOUNCED is that path (a parent
 * process, scripts/e2e.mjs, printed it already).
 * @returns {Promise<ChromiumChoice>}
 */
export function resolveChromium() {
  resolved ??= (async () => {
    const choice = chooseChromium();
    if (choice.packaged) await unpack(choice.packaged);
    if (process.env.IW_CHROMIUM_ANNOUNCED !== choice.path) console.error(`Chromium: ${choice.path} (${choice.reason})`);
    return choice;
  })();
  resolved.catch(() => (resolved = undefined));
  return resolved;
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
 * The packaged browser gets the same flags as a system one (BASE_ARGS + the WebGL preset), so the
 * tests see the same browser behaviour. Of @sparticuz/chromium's own `args` (meant for AWS Lambda)
 * only these quiet ones are kept; the rest would change what the tests test or break Playwright:
 * --single-process/--no-zygote (Playwright's contexts and pages need separate processes),
 * --headless='shell' (Playwright passes --headless itself; the binary is headless-only anyway),
 * --use-gl/--use-angle/--enable-unsafe-swiftshader/--disable-webgl/--in-process-gpu/--ignore-gpu-blocklist
 * (the WebGL presets decide), --disable-web-security/--allow-running-insecure-content/
 * --disable-site-isolation-trials/--disable-features=site-per-process,... and
 * --enable-features=SharedArrayBuffer (a real browser has none of these), --font-render-hinting=none.
 */
export const PACKAGED_KEPT_ARGS = ['--disable-domain-reliability', '--no-pings', '--disable-print-preview'];

/**
 * The flags of @sparticuz/chromium's `args` that the packaged browser keeps (see PACKAGED_KEPT_ARGS).
 * @param {string[]} sparticuzArgs
 */
export function packagedArgs(sparticuzArgs) {
  return sparticuzArgs.filter((a) => PACKAGED_KEPT_ARGS.includes(a));
}

/**
 * Launches headless Chromium: the one `resolveChromium()` picks, or `executablePath`.
 * @param {{ webgl?: 'swiftshader' | 'none', headless?: boolean, args?: string[], executablePath?: string }} [opts]
 * @returns {Promise<import('playwright-core').Browser>}
 */
export async function launch(opts = {}) {
  const webgl = opts.webgl ?? 'swiftshader';
  if (!(webgl in WEBGL_ARGS)) throw new Error(`launch: webgl must be 'swiftshader' or 'none', not ${JSON.stringify(webgl)}`);
  const choice = opts.executablePath ? undefined : await resolveChromium();
  const executablePath = opts.executablePath ?? /** @type {ChromiumChoice} */ (choice).path;
  /** @type {string[]} */
  let extra = [];
  /** @type {Record<string, string> | undefined} */
  let env;
  if (choice?.packaged) {
    const mod = await import(pathToFileURL(choice.packaged.entry).href);
    extra = packagedArgs(mod.default.args);
    env = packagedEnv(choice.packaged.dir);
  }
  return chromium.launch({
    executablePath,
    headless: opts.headless ?? true,
    args: [...BASE_ARGS, ...extra, ...WEBGL_ARGS[webgl], ...(opts.args ?? [])],
    ...(env ? { env } : {}),
  });
}
