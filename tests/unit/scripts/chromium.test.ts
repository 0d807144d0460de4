import { describe, expect, test } from 'vitest';
import { CHROMIUM_CANDIDATES, findChromium } from '../../e2e/support/chromium.mjs';

describe('findChromium', () => {
  const has = (...paths: string[]) => (p: string) => paths.includes(p);

  test('CHROMIUM_PATH first, then PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH, then the usual paths', () => {
    expect(findChromium({ env: { CHROMIUM_PATH: '/a', PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: '/b' }, exists: has('/a', '/b', '/usr/bin/chromium') })).toBe('/a');
    expect(findChromium({ env: { PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: '/b' }, exists: has('/b', '/usr/bin/chromium') })).toBe('/b');
    expect(findChromium({ env: {}, exists: has('/usr/bin/google-chrome', '/snap/bin/chromium') })).toBe('/usr/bin/google-chrome');
    expect(CHROMIUM_CANDIDATES[0]).toBe('/usr/bin/chromium');
    expect(CHROMIUM_CANDIDATES.some((p) => p.includes('Google Chrome.app'))).toBe(true);
  });

  test('a variable that points nowhere is an error naming it', () => {
    expect(() => findChromium({ env: { CHROMIUM_PATH: '/nope' }, exists: has('/usr/bin/chromium') })).toThrow(/CHROMIUM_PATH.*\/nope/);
  });

  test('nothing found: says what to install or set', () => {
    expect(() => findChromium({ env: {}, exists: () => false })).toThrow(/apt-get install -y chromium[\s\S]*CHROMIUM_PATH/);
  });
});
