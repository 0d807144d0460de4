import { benchLighthouse } from './scripts/bench-lighthouse.mjs';
import { serve } from './scripts/serve.mjs';
const server = await serve({ dir: process.env.DIST || 'dist-z', base: '/', port: 0, quiet: true });
const pages = process.argv.slice(2).map((p) => ({ name: p, url: server.url + p.replace(/^\//, '') }));
await benchLighthouse(pages);
process.exit(0);
