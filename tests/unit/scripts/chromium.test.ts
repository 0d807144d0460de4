import { describe, expect, test } from 'vitest';
import {
  CHROMIUM_CANDIDATES,
  PACKAGED_KEPT_ARGS,
  chooseChromium,
  findChromium,
  packagedArgs,
  packagedDir,
  packagedEnv,
  packagedInfo,
} from '../../e2e/support/chromium.mjs';

const has = (...paths: string[]) => (p: string) => paths.includes(p);
const pkg = { version: '153.0.0', binDir: '/nm/@sparticuz/chromium/bin', entry: '/nm/@sparticuz/chromium/build/index.js' };
const withPkg = () => pkg;
const noPkg = () => null;

describe('findChromium', () => {
  test('CHROMIUM_PATH first, then PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH, then the usual paths', () => {
    expect(findChromium({ env: { CHROMIUM_PATH: '/a', PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: '/b' }, exists: has('/a', '/b', '/usr/bin/chromium') })).toBe('/a');
    expect(findChromium({ env: { PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: '/b' }, exists: has('/b', '/usr/bin/chromium') })).toBe('/b');
    expect(findChromium({ env: {}, exists: has('/usr/bin/google-chrome', '/snap/bin/chromium') })).toBe('/usr/bin/google-chrome');
    expect(CHROMIUM_CANDIDATES[0]).toBe('/usr/bin/chromium');
    expect(CHROMIUM_CANDIDATES.some((p) => p.includes('Google Chrome.app'))).toBe(true);
  });

  test('a variable that points nowhere is an error naming it', () => {
    expect(() => findChromium({ env: { CHROMIUM_PATH: '/nope' }, exists: has('/usr/bin/chromium') })).toThrow(/CHROMIUM_PATH.*\/nope/);
    // …even where the packaged browser would do: a typo should not silently test another browser.
    expect(() => findChromium({ env: { CHROMIUM_PATH: '/nope', IW_SKIP_SYSTEM_CHROMIUM: '1' }, exists: () => false, packaged: withPkg })).toThrow(/CHROMIUM_PATH/);
  });

  test('nothing found and no packaged browser: says what to install or set', () => {
    expect(() => findChromium({ env: {}, exists: () => false, packaged: noPkg })).toThrow(/apt-get install -y chromium[\s\S]*CHROMIUM_PATH/);
    expect(() => findChromium({ env: {}, exists: () => false, packaged: noPkg })).toThrow(/@sparticuz\/chromium/);
  });
});

describe('chooseChromium', () => {
  const env = { HOME: '/home/u' };

  test('an env var wins, with the reason naming it', () => {
    const c = chooseChromium({ env: { ...env, CHROMIUM_PATH: '/opt/chrome' }, exists: has('/opt/chrome', '/usr/bin/chromium'), packaged: withPkg });
    expect(c).toMatchObject({ source: 'env', path: '/opt/chrome', reason: '$CHROMIUM_PATH is set' });
    expect(c.packaged).toBeUndefined();
    // Also over IW_SKIP_SYSTEM_CHROMIUM, which skips only the system paths.
    const d = chooseChromium({ env: { ...env, PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: '/b', IW_SKIP_SYSTEM_CHROMIUM: '1' }, exists: has('/b'), packaged: withPkg });
    expect(d).toMatchObject({ source: 'env', path: '/b', reason: '$PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH is set' });
  });

  test('a system browser comes before the packaged one', () => {
    const c = chooseChromium({ env, exists: has('/usr/bin/chromium'), packaged: withPkg });
    expect(c).toMatchObject({ source: 'system', path: '/usr/bin/chromium' });
    expect(c.reason).toMatch(/system/);
  });

  test('no env var and no system browser: the packaged one, unpacked under the cache folder', () => {
    const c = chooseChromium({ env, exists: () => false, packaged: withPkg });
    expect(c.source).toBe('packaged');
    expect(c.path).toBe('/home/u/.cache/infinite-width/chromium-153.0.0/chromium');
    expect(c.packaged).toMatchObject({ ...pkg, dir: '/home/u/.cache/infinite-width/chromium-153.0.0' });
    expect(c.reason).toBe('packaged @sparticuz/chromium 153.0.0: no $CHROMIUM_PATH and no system Chromium/Chrome found');
  });

  test('IW_SKIP_SYSTEM_CHROMIUM=1 skips the system paths', () => {
    const c = chooseChromium({ env: { ...env, IW_SKIP_SYSTEM_CHROMIUM: '1' }, exists: has('/usr/bin/chromium'), packaged: withPkg });
    expect(c.source).toBe('packaged');
    expect(c.reason).toBe('packaged @sparticuz/chromium 153.0.0: IW_SKIP_SYSTEM_CHROMIUM=1 skips the system paths');
    // Any other value leaves them on.
    expect(chooseChromium({ env: { ...env, IW_SKIP_SYSTEM_CHROMIUM: '0' }, exists: has('/usr/bin/chromium'), packaged: withPkg }).source).toBe('system');
    // Skipped and no package: the error says the system paths were skipped.
    expect(() => chooseChromium({ env: { IW_SKIP_SYSTEM_CHROMIUM: '1' }, exists: has('/usr/bin/chromium'), packaged: noPkg })).toThrow(/system paths skipped/);
  });

  test('the cache folder honours XDG_CACHE_HOME', () => {
    expect(packagedDir('1.2.3', { XDG_CACHE_HOME: '/x', HOME: '/home/u' })).toBe('/x/infinite-width/chromium-1.2.3');
    expect(packagedDir('1.2.3', { HOME: '/home/u' })).toBe('/home/u/.cache/infinite-width/chromium-1.2.3');
  });
});

describe('the packaged browser', () => {
  test('is found in node_modules on Linux x64, and not elsewhere (it ships a Linux x64 build only)', () => {
    expect(packagedInfo({ platform: 'darwin', arch: 'arm64' })).toBeNull();
    expect(packagedInfo({ platform: 'linux', arch: 'arm64' })).toBeNull();
    const info = packagedInfo({ platform: 'linux', arch: 'x64' });
    expect(info?.version).toMatch(/^\d+\./);
    expect(info?.binDir).toMatch(/node_modules[/\\]@sparticuz[/\\]chromium[/\\]bin$/);
  });

  test("keeps none of @sparticuz/chromium's Lambda flags that would change the browser under test", async () => {
    const { default: Chromium } = await import('@sparticuz/chromium');
    const kept = packagedArgs(Chromium.args);
    expect(kept.every((a) => PACKAGED_KEPT_ARGS.includes(a))).toBe(true);
    for (const bad of ['--single-process', '--no-zygote', '--disable-web-security', '--disable-webgl', '--in-process-gpu']) expect(kept).not.toContain(bad);
    expect(kept.some((a) => a.startsWith('--headless') || a.startsWith('--use-gl') || a.startsWith('--enable-features'))).toBe(false);
  });

  test('runs with its own NSS libraries first, and its fonts.conf only when the system has no fontconfig', () => {
    const e = packagedEnv('/c', { PATH: '/bin', LD_LIBRARY_PATH: '/l' }, () => true);
    expect(e).toMatchObject({ PATH: '/bin', LD_LIBRARY_PATH: '/c/al2023/lib:/l' });
    expect(e.FONTCONFIG_FILE).toBeUndefined();
    expect(packagedEnv('/c', {}, () => false)).toEqual({ LD_LIBRARY_PATH: '/c/al2023/lib', FONTCONFIG_FILE: '/c/fonts.conf' });
    expect(packagedEnv('/c', { FONTCONFIG_PATH: '/f' }, () => false).FONTCONFIG_FILE).toBeUndefined();
  });
});
