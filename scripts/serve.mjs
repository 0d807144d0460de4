#!/usr/bin/env node
// A tiny static file server for the built site (no dependencies).
//
//   node scripts/serve.mjs [--dir dist] [--base /] [--port 4321] [--host 127.0.0.1]
//
// Defaults come from the environment when set: IW_OUT (dir), IW_BASE (base), PORT, HOST.
// Serves index.html for directories (redirecting /x to /x/), /x → x.html when that file exists,
// and the folder's 404.html with status 404 for anything else. Paths outside the folder are refused.
//
// Tests use the exported serve({ dir, base, port }) → { url, port, close } (port 0 = random).
import { createServer } from 'node:http';
import { createReadStream, existsSync } from 'node:fs';
import { readFile as readFileAsync } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeBase } from '../src/book/base-path.ts';
import { readPolicy } from './csp.mjs';

/** Content types by extension (lower case, with dot). Anything else is application/octet-stream. */
export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.bib': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.pdf': 'application/pdf',
  // Pagefind's index files: binary, fetched and decoded by pagefind.js.
  '.pf_meta': 'application/octet-stream',
  '.pf_fragment': 'application/octet-stream',
  '.pf_index': 'application/octet-stream',
  '.pf_filter': 'application/octet-stream',
  '.pagefind': 'application/octet-stream',
};

/** @param {string} file */
export function contentType(file) {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** `course` → `/course/`, `` → `/` (the one copy in src/book/base-path.ts; Node strips its types). */
export { normalizeBase };

/**
 * Maps a request path to a file inside `root`, or says why not.
 * @param {string} root absolute, real path of the served folder
 * @param {string} base normalized base (`/` or `/course/`)
 * @param {string} rawPath the URL path as received (still percent-encoded)
 * @returns {Promise<{ kind: 'file', file: string } | { kind: 'redirect', location: string } | { kind: 'not-found' } | { kind: 'bad' }>}
 */
export async function resolveRequest(root, base, rawPath) {
  let path;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { kind: 'bad' };
  }
  if (path.includes('\0') || path.includes('\\')) return { kind: 'bad' };
  if (!path.startsWith('/')) return { kind: 'bad' };
  if (path + '/' === base) return { kind: 'redirect', location: base };
  if (!path.startsWith(base)) return { kind: 'not-found' };
  const rel = path.slice(base.length);
  // Refuse any `..` segment outright rather than normalizing it away.
  if (rel.split('/').some((s) => s === '..')) return { kind: 'bad' };
  const target = resolve(root, '.' + sep + rel);
  if (target !== root && !target.startsWith(root + sep)) return { kind: 'bad' };

  const inside = async (/** @type {string} */ p) => {
    try {
      const real = await realpath(p);
      return real === root || real.startsWith(root + sep);
    } catch {
      return false;
    }
  };
  const fileAt = async (/** @type {string} */ p) => {
    try {
      const s = await stat(p);
      return s.isFile() && (await inside(p));
    } catch {
      return false;
    }
  };

  let s = null;
  try {
    s = await stat(target);
  } catch {
    /* not there */
  }
  if (s?.isDirectory()) {
    if (!path.endsWith('/')) return { kind: 'redirect', location: encodeURI(path + '/') };
    const index = join(target, 'index.html');
    return (await fileAt(index)) ? { kind: 'file', file: index } : { kind: 'not-found' };
  }
  if (s?.isFile()) return (await inside(target)) ? { kind: 'file', file: target } : { kind: 'not-found' };
  if (!path.endsWith('/') && (await fileAt(target + '.html'))) return { kind: 'file', file: target + '.html' };
  return { kind: 'not-found' };
}

const COMPRESSIBLE = /^(text\/|application\/(javascript|json|xml|manifest\+json)|image\/svg\+xml)/;

/**
 * Starts the server.
 * Every response carries the site's Content-Security-Policy from its _headers (scripts/csp.mjs),
 * as a host configured from that file would send it; `csp: false` serves without it.
 * @param {{ dir?: string, base?: string, port?: number, host?: string, quiet?: boolean, csp?: boolean }} [opts]
 * @returns {Promise<{ url: string, origin: string, port: number, base: string, dir: string, close: () => Promise<void> }>}
 */
export async function serve(opts = {}) {
  const dir = resolve(opts.dir ?? 'dist');
  if (!existsSync(dir)) throw new Error(`serve: folder ${dir} does not exist (build the site first: npm run build)`);
  const root = await realpath(dir);
  const base = normalizeBase(opts.base ?? '/');
  const host = opts.host ?? '127.0.0.1';
  const notFoundPage = join(root, '404.html');
  /** @type {Map<string, Buffer>} */
  const gzipCache = new Map();
  const csp = opts.csp === false ? null : readPolicy(root);
  const security = { 'x-content-type-options': 'nosniff', ...(csp ? { 'content-security-policy': csp } : {}) };

  const server = createServer(async (req, res) => {
    const send = (/** @type {number} */ status, /** @type {string} */ body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'Method Not Allowed\n', { allow: 'GET, HEAD' });
      const url = new URL(req.url ?? '/', 'http://localhost');
      const r = await resolveRequest(root, base, url.pathname);
      if (r.kind === 'bad') return send(400, 'Bad Request\n');
      if (r.kind === 'redirect') return send(301, `Moved to ${r.location}\n`, { location: r.location + url.search });
      let file = r.kind === 'file' ? r.file : null;
      let status = 200;
      if (!file) {
        status = 404;
        try {
          if ((await stat(notFoundPage)).isFile()) file = notFoundPage;
        } catch {
          /* no 404 page */
        }
        if (!file) return send(404, 'Not Found\n');
      }
      const s = await stat(file);
      // Compress text the way any static host does (a chapter's HTML is ~0.9 MB raw, ~70 KB gzip),
      // so that what the preview and the browser tests measure is what readers get.
      if (COMPRESSIBLE.test(contentType(file)) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
        const key = `${file}:${s.mtimeMs}:${s.size}`;
        let body = gzipCache.get(key);
        if (!body) {
          body = gzipSync(await readFileAsync(file), { level: 6 });
          gzipCache.set(key, body);
        }
        res.writeHead(status, {
          'content-type': contentType(file),
          'content-encoding': 'gzip',
          'content-length': body.length,
          vary: 'accept-encoding',
          'cache-control': 'no-cache',
          'last-modified': s.mtime.toUTCString(),
          ...security,
        });
        return res.end(req.method === 'HEAD' ? undefined : body);
      }
      res.writeHead(status, {
        'content-type': contentType(file),
        'content-length': s.size,
        'cache-control': 'no-cache',
        'last-modified': s.mtime.toUTCString(),
        ...security,
      });
      if (req.method === 'HEAD') return res.end();
      const stream = createReadStream(file);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    } catch (e) {
      if (!res.headersSent) send(500, 'Internal Server Error\n');
      else res.destroy();
      if (!opts.quiet) console.error('[serve]', e);
    }
  });
  server.keepAliveTimeout = 1000;

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', fail);
      ok(undefined);
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : Number(opts.port);
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: origin + base,
    origin,
    port,
    base,
    dir: root,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

/** @param {string[]} argv */
export function parseArgs(argv, env = process.env) {
  /** @type {{ dir: string, base: string, port: number, host: string }} */
  const o = { dir: env.IW_OUT || 'dist', base: env.IW_BASE || '/', port: Number(env.PORT || 4321), host: env.HOST || '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(dir|base|port|host)(?:=(.*))?$/.exec(argv[i]);
    if (!m) {
      if (argv[i] === '-h' || argv[i] === '--help') throw new Error('usage');
      throw new Error(`unknown argument: ${argv[i]}`);
    }
    const v = m[2] ?? argv[++i];
    if (v === undefined) throw new Error(`--${m[1]} needs a value`);
    if (m[1] === 'port') {
      o.port = Number(v);
      if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new Error(`--port must be a number 0–65535, not ${v}`);
    } else o[m[1]] = v;
  }
  return o;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof Error && e.message !== 'usage') console.error(`serve: ${e.message}`);
    console.error('usage: node scripts/serve.mjs [--dir dist] [--base /] [--port 4321] [--host 127.0.0.1]');
    process.exit(2);
  }
  if (!existsSync(o.dir)) {
    console.error(`serve: ${o.dir}/ does not exist. Build the site first: npm run build`);
    process.exit(1);
  }
  try {
    const s = await serve(o);
    console.log(`Serving ${o.dir}/ at ${s.url}  (Ctrl+C to stop)`);
    const stop = () => s.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (e) {
    const err = /** @type {NodeJS.ErrnoException} */ (e);
    if (err.code === 'EADDRINUSE') console.error(`serve: port ${o.port} is in use; pick another with --port or PORT=…`);
    else console.error(`serve: ${err.message}`);
    process.exit(1);
  }
}
