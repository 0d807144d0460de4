/**
 * Server-rendered HTML → one standalone SVG picture: the page's <svg> figures stacked top to
 * bottom with the book's light-theme colours and the widgets' stylesheet, numbers rounded to one
 * decimal and one element per line (so files change only when a figure does, with readable diffs).
 * A canvas layer's static SVG (class iw-layer) is drawn under the figure that follows it, as on
 * the page; legend keys (class iw-key) are left out unless asked for.
 */
import { readFileSync } from 'node:fs';

const STYLE = `:root{--iw-bg:#fbfaf7;--iw-bg-raised:#fff;--iw-text:#1d1f24;--iw-text-muted:#535862;--iw-border:#dedbd2;--iw-accent:#1f5fa8;--iw-accent-2:#b4462b;--iw-accent-3:#2f7d4f;--iw-sans:system-ui,sans-serif}
${readFileSync(new URL('../../widgets/ui/widgets.css', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')}`;

const DRAWS = /<(path|rect|circle|line|text|polygon|image)\b/;

export function figures(html: string): string {
  const all = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
  const svgs = all.filter((svg) => !/^<svg[^>]*class="iw-key"/.test(svg) && DRAWS.test(svg.replace(/^<svg[^>]*>/, '')));
  let y = 0;
  let width = 0;
  const parts = svgs.map((svg) => {
    const layer = /^<svg[^>]*class="iw-layer/.test(svg);
    const box = /viewBox="([^"]+)"/.exec(svg)?.[1];
    const [, , w, h] = (box ?? `0 0 ${/width="(\d+)"/.exec(svg)?.[1] ?? 24} ${/height="(\d+)"/.exec(svg)?.[1] ?? 12}`).split(/\s+/).map(Number);
    const part = svg.replace('<svg', `<svg x="0" y="${y}" width="${w}" height="${h}"`);
    if (!layer) y += h + 12;
    width = Math.max(width, w);
    return part;
  });
  return standalone(parts.join(''), width, Math.max(0, y - 12));
}

/** A Legend as one picture: each key at its size, followed by its label, one row. */
export function legendFigure(html: string): string {
  const items = [...html.matchAll(/(<svg[^>]*class="iw-key"[\s\S]*?<\/svg>)([^<]*)/g)];
  let x = 0;
  const parts = items.map(([, svg, label]) => {
    const part = `${svg.replace('<svg', `<svg x="${x}" y="4"`)}<text x="${x + 28}" y="14" font-size="12">${label.trim()}</text>`;
    x += 36 + 7 * label.trim().length;
    return part;
  });
  return standalone(parts.join(''), x, 20);
}

function standalone(body: string, width: number, height: number): string {
  const parts = [body];
  const doc = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif"><style>${STYLE}</style><rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>`;
  return doc
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/-?\d+\.\d+(e-?\d+)?/g, (n) => {
      const r = Math.round(Number(n) * 10) / 10;
      return String(Object.is(r, -0) ? 0 : r);
    })
    .replace(/></g, '>\n<');
}
