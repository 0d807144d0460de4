// The site's Content-Security-Policy, written by `npm run build` next to the pages:
//
//   _headers         Netlify / Cloudflare Pages: `<base>*` with the Content-Security-Policy header
//   csp-nginx.conf   nginx: `include` it inside the site's `location` block (add_header … always)
//
// Scripts run only from the site itself or as the inline blocks the build emitted (each pinned by
// its sha256; Astro's island bootstrap and the theme switch are the only ones); 'wasm-unsafe-eval'
// lets the compute module compile its WebAssembly (tfjs-backend-wasm, Pagefind); no 'unsafe-inline'
// or 'unsafe-eval' for scripts; no plugins (object-src 'none'); <base> only to the site
// (base-uri 'self'). Styles, images and frames are left open: KaTeX and the widgets set inline
// styles, figure export draws blob: images, and instructors embed /embed/ routes from any origin.
//
// A page with an inline event handler (onclick="…") or a javascript: URL would break under this
// policy: the build fails and names the file. `scripts/serve.mjs` serves every response with the
// policy from _headers, so `npm run preview` and every e2e test run under it.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every .html file under dir. */
function htmlFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...htmlFiles(p));
    else if (e.name.endsWith('.html')) out.push(p);
  }
  return out;
}

const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const EXECUTABLE = /^(|text\/javascript|application\/javascript|module)$/i;

/**
 * The sha256 sources of every inline script in the built pages, and the problems a strict policy
 * would have with them (file: what).
 * @param {string} dir
 */
export function scanInlineScripts(dir) {
  const hashes = new Set();
  const problems = [];
  for (const file of htmlFiles(dir)) {
    const html = readFileSync(file, 'utf8');
    for (const m of html.matchAll(SCRIPT)) {
      const attrs = m[1];
      if (/\ssrc\s*=/i.test(attrs)) continue;
      const type = /\stype\s*=\s*["']?([^"'\s>]*)/i.exec(attrs)?.[1] ?? '';
      if (!EXECUTABLE.test(type)) continue; // data blocks (application/json, ld+json) never run
      hashes.add(`'sha256-${createHash('sha256').update(m[2], 'utf8').digest('base64')}'`);
    }
    const handler = /<[a-z][^>]*\son[a-z]+\s*=\s*["']/i.exec(html.replace(SCRIPT, ''));
    if (handler) problems.push(`${relative(dir, file)}: an inline event handler (${handler[0].slice(0, 80)}…) is blocked by the policy: use addEventListener in a script`);
    if (/\shref\s*=\s*["']\s*javascript:/i.test(html)) problems.push(`${relative(dir, file)}: a javascript: URL is blocked by the policy`);
  }
  return { hashes: [...hashes].sort(), problems };
}

/** The policy for these inline-script hashes. @param {string[]} hashes */
export function policy(hashes) {
  return [`script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(), "object-src 'none'", "base-uri 'self'"].join('; ');
}

/** Reads the policy back from a built site's _headers (null when there is none). @param {string} dir */
export function readPolicy(dir) {
  try {
    const m = /^\s+Content-Security-Policy:\s*(.+)$/m.exec(readFileSync(join(dir, '_headers'), 'utf8'));
    return m ? m[1].trim() : null;
  } catch {
    return null;
  }
}

/**
 * Writes _headers and csp-nginx.conf into the built site; returns the policy, or throws naming
 * every page that could not run under it.
 * @param {string} dir @param {string} base normalized base path ('/' or '/course/')
 */
export function writePolicy(dir, base) {
  const { hashes, problems } = scanInlineScripts(dir);
  if (problems.length) throw new Error(`these pages would break under the Content-Security-Policy:\n  ${problems.join('\n  ')}`);
  const csp = policy(hashes);
  writeFileSync(join(dir, '_headers'), `# Written by npm run build (scripts/csp.mjs): the policy every page was built for.\n${base}*\n  Content-Security-Policy: ${csp}\n`);
  writeFileSync(join(dir, 'csp-nginx.conf'), `# Written by npm run build (scripts/csp.mjs). In the site's location block: include csp-nginx.conf;\nadd_header Content-Security-Policy "${csp}" always;\n`);
  return { csp, hashes };
}
