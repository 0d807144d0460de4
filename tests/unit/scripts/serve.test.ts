import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentType, normalizeBase, parseArgs, serve } from '../../../scripts/serve.mjs';

/** A raw GET that sends the path exactly as given (fetch would normalize `..` away). */
function get(port: number, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, any>; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

let root: string;
let site: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'iw-serve-'));
  site = join(root, 'dist');
  mkdirSync(join(site, 'chapters', 'a'), { recursive: true });
  mkdirSync(join(site, 'pagefind', 'index'), { recursive: true });
  mkdirSync(join(site, 'empty'), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(site, '404.html'), '<h1>not found page</h1>');
  writeFileSync(join(site, 'chapters', 'a', 'index.html'), '<h1>chapter a</h1>');
  writeFileSync(join(site, 'about.html'), '<h1>about</h1>');
  writeFileSync(join(site, 'app.js'), 'export {}');
  writeFileSync(join(site, 'pagefind', 'pagefind.en_1.pf_meta'), Buffer.from([1, 2, 3]));
  writeFileSync(join(site, 'pagefind', 'index', 'en_1.pf_index'), Buffer.from([4]));
  writeFileSync(join(site, 'pagefind', 'wasm.en.pagefind'), Buffer.from([5]));
  writeFileSync(join(site, 'a file.txt'), 'spaced');
  writeFileSync(join(root, 'secret.txt'), 'SECRET');
  symlinkSync(join(root, 'secret.txt'), join(site, 'link-out.txt'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('serve() at base /', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await serve({ dir: site, base: '/', port: 0, quiet: true });
  });
  afterAll(() => s.close());

  test('picks a random port for port 0 and returns the URL with the base', () => {
    expect(s.port).toBeGreaterThan(0);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/`);
  });

  test('serves index.html for / and for directories; redirects a directory without its slash', async () => {
    expect((await get(s.port, '/')).body).toBe('<h1>home</h1>');
    const a = await get(s.port, '/chapters/a/');
    expect(a.status).toBe(200);
    expect(a.body).toBe('<h1>chapter a</h1>');
    expect(a.headers['content-type']).toBe('text/html; charset=utf-8');
    const r = await get(s.port, '/chapters/a?x=1');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/chapters/a/?x=1');
  });

  test('serves x.html for /x, and percent-encoded names', async () => {
    expect((await get(s.port, '/about')).body).toBe('<h1>about</h1>');
    expect((await get(s.port, '/a%20file.txt')).body).toBe('spaced');
  });

  test('answers 404 with the folder 404.html', async () => {
    for (const p of ['/nope', '/nope/deeper/', '/empty/', '/chapters/b/']) {
      const r = await get(s.port, p);
      expect(r.status, p).toBe(404);
      expect(r.body, p).toBe('<h1>not found page</h1>');
      expect(r.headers['content-type']).toMatch(/^text\/html/);
    }
  });

  test('content types, Pagefind files as application/octet-stream', async () => {
    expect((await get(s.port, '/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    for (const p of ['/pagefind/pagefind.en_1.pf_meta', '/pagefind/index/en_1.pf_index', '/pagefind/wasm.en.pagefind']) {
      const r = await get(s.port, p);
      expect(r.status, p).toBe(200);
      expect(r.headers['content-type'], p).toBe('application/octet-stream');
    }
    expect(contentType('x.css')).toBe('text/css; charset=utf-8');
    expect(contentType('x.json')).toMatch(/^application\/json/);
    expect(contentType('x.svg')).toBe('image/svg+xml');
    expect(contentType('x.png')).toBe('image/png');
    expect(contentType('x.woff2')).toBe('font/woff2');
    expect(contentType('x.wasm')).toBe('application/wasm');
    expect(contentType('x.pf_fragment')).toBe('application/octet-stream');
    expect(contentType('x.unknown')).toBe('application/octet-stream');
  });

  test('HEAD has the headers and no body; other methods are refused', async () => {
    const h = await get(s.port, '/app.js', 'HEAD');
    expect(h.status).toBe(200);
    expect(h.headers['content-length']).toBe('9');
    expect(h.body).toBe('');
    expect((await get(s.port, '/', 'POST')).status).toBe(405);
  });

  test('refuses path traversal, raw and encoded, and symlinks out of the folder', async () => {
    for (const p of ['/../secret.txt', '/chapters/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/chapters/%2e%2e/%2e%2e/secret.txt', '/..%5csecret.txt', '/%00', '/%E0%A4%A']) {
      const r = await get(s.port, p);
      expect(r.body, p).not.toContain('SECRET');
      expect([400, 404], p).toContain(r.status);
    }
    const l = await get(s.port, '/link-out.txt');
    expect(l.status).toBe(404);
    expect(l.body).not.toContain('SECRET');
  });
});

describe('serve() at base /course/', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await serve({ dir: site, base: 'course', port: 0, quiet: true });
  });
  afterAll(() => s.close());

  test('serves the folder under the base only', async () => {
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/course/`);
    expect((await get(s.port, '/course/')).body).toBe('<h1>home</h1>');
    expect((await get(s.port, '/course/chapters/a/')).body).toBe('<h1>chapter a</h1>');
    const outside = await get(s.port, '/chapters/a/');
    expect(outside.status).toBe(404);
    expect((await get(s.port, '/')).status).toBe(404);
    expect((await get(s.port, '/courses/')).status).toBe(404);
  });

  test('redirects /course to /course/', async () => {
    const r = await get(s.port, '/course');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/course/');
  });

  test('refuses traversal under the base', async () => {
    const r = await get(s.port, '/course/../secret.txt');
    expect(r.body).not.toContain('SECRET');
  });
});

describe('options', () => {
  test('normalizeBase', () => {
    expect(normalizeBase('/')).toBe('/');
    expect(normalizeBase('')).toBe('/');
    expect(normalizeBase('course')).toBe('/course/');
    expect(normalizeBase('/course')).toBe('/course/');
    expect(normalizeBase('//a//b/')).toBe('/a/b/');
  });

  test('parseArgs: flags, --x=y form, environment defaults', () => {
    expect(parseArgs([], {})).toEqual({ dir: 'dist', base: '/', port: 4321, host: '127.0.0.1' });
    expect(parseArgs(['--dir', 'out', '--base=/course/', '--port', '0'], {})).toMatchObject({ dir: 'out', base: '/course/', port: 0 });
    expect(parseArgs([], { PORT: '8080', IW_BASE: '/c/', IW_OUT: 'dist-c' })).toMatchObject({ port: 8080, base: '/c/', dir: 'dist-c' });
    expect(parseArgs(['--port', '9'], { PORT: '8080' }).port).toBe(9);
    expect(() => parseArgs(['--port', 'x'], {})).toThrow(/--port/);
    expect(() => parseArgs(['--what'], {})).toThrow(/unknown/);
  });

  test('a missing folder is a clear error', async () => {
    await expect(serve({ dir: join(root, 'nope'), port: 0 })).rejects.toThrow(/does not exist/);
  });
});
