// `npm start`: build the book (with its search index) and serve dist/ on http://localhost:4321.
import { spawnSync } from 'node:child_process';

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const serve = spawnSync(process.execPath, ['scripts/serve.mjs', '--dir', process.env.IW_OUT ?? 'dist', '--base', process.env.IW_BASE ?? '/', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(serve.status ?? 0);
