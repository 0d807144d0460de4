/**
 * scripts/csp.mjs: the build's Content-Security-Policy. Inline scripts are pinned by the sha256 a
 * browser computes over their exact text (checked against a hash worked out independently here);
 * data blocks and external scripts are not hashed; inline handlers and javascript: URLs fail with
 * the file named; the written _headers and nginx snippet carry the same policy, read back by
 * serve.mjs. (The e2e tests run every page under it: serve.mjs sends it with every response.)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { policy, readPolicy, scanInlineScripts, writePolicy } from '../../../scripts/csp.mjs';

let dirs: string[] = [];
function site(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'iw-csp-'));
  dirs.push(dir);
  for (const [name, html] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), html);
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe('the Content-Security-Policy of a built site', () => {
  it('hashes each distinct inline script once; skips external scripts and data blocks', () => {
    const body = 'document.documentElement.dataset.theme="dark";';
    const dir = site({
      'index.html': `<html><head><script>${body}</script><script type="module" src="/_astro/a.js"></script></head><body><script type="application/json">{"a":1}</script></body></html>`,
      'chapters/x/index.html': `<script>${body}</script><script type="module">import "/_astro/b.js";</script>`,
    });
    const { hashes, problems } = scanInlineScripts(dir);
    const expected = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    expect(problems).toEqual([]);
    expect(hashes).toEqual([expected(body), expected('import "/_astro/b.js";')].sort());
    const csp = policy(hashes);
    expect(csp).toMatch(/^script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'self'");
    expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'/);
  });

  it('a page with an inline handler or a javascript: URL fails, naming the file', () => {
    const dir = site({ 'ok.html': '<p>fine</p>', 'bad/index.html': '<button onclick="go()">Go</button>', 'js.html': '<a href="javascript:void 0">x</a>' });
    const { problems } = scanInlineScripts(dir);
    expect(problems.join('\n')).toMatch(/bad\/index\.html: an inline event handler/);
    expect(problems.join('\n')).toMatch(/js\.html: a javascript: URL/);
    expect(() => writePolicy(dir, '/')).toThrow(/bad\/index\.html/);
  });

  it('writes _headers for the base path and an nginx snippet with the same policy; serve reads it back', () => {
    const dir = site({ 'index.html': '<script>1</script>' });
    const { csp } = writePolicy(dir, '/course/');
    expect(readFileSync(join(dir, '_headers'), 'utf8')).toMatch(/^\/course\/\*\n {2}Content-Security-Policy: /m);
    expect(readFileSync(join(dir, 'csp-nginx.conf'), 'utf8')).toContain(`add_header Content-Security-Policy "${csp}" always;`);
    expect(readPolicy(dir)).toBe(csp);
    expect(readPolicy(join(dir, 'missing'))).toBeNull();
  });
});
