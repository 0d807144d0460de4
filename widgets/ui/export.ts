/**
 * Figure export for every widget (ExportButtons.svelte): the widget's plots (`svg.iw-plot`) as one
 * standalone SVG — computed styles inlined, so CSS custom properties and the theme are resolved;
 * canvas layers (CanvasLayer, drawn under the SVG) as <image> elements holding the canvas's PNG
 * data URL; plots stacked vertically; a caption with the title and the state's URL — and the same
 * picture as a PNG at 2× (the SVG drawn on a canvas from a data URL, so the canvas is never
 * tainted). Browser only; no widget-specific code.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Presentation properties copied from the computed style onto each exported element. */
const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'fill-rule',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-dashoffset',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-miterlimit',
  'opacity',
  'color',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'letter-spacing',
  'text-anchor',
  'dominant-baseline',
  'alignment-baseline',
  'paint-order',
  'shape-rendering',
  'vector-effect',
  'visibility',
] as const;

/** Values not worth writing (the SVG defaults), to keep the file small. */
const DEFAULTS: Partial<Record<(typeof STYLE_PROPS)[number], string>> = {
  'fill-opacity': '1',
  'fill-rule': 'nonzero',
  'stroke-opacity': '1',
  'stroke-dasharray': 'none',
  'stroke-dashoffset': '0px',
  'stroke-linecap': 'butt',
  'stroke-linejoin': 'miter',
  'stroke-miterlimit': '4',
  opacity: '1',
  'font-style': 'normal',
  'letter-spacing': 'normal',
  'text-anchor': 'start',
  'dominant-baseline': 'auto',
  'alignment-baseline': 'auto',
  'paint-order': 'normal',
  'shape-rendering': 'auto',
  'vector-effect': 'none',
  visibility: 'visible',
};

export interface ExportedFigure {
  svg: string;
  /** Size of the picture in CSS pixels (the PNG is twice this). */
  width: number;
  height: number;
}

interface Size {
  width: number;
  height: number;
}

/** The viewBox size of a plot (its drawing units), else its rendered size. */
function plotSize(svg: SVGSVGElement): Size {
  const vb = svg.viewBox?.baseVal;
  if (vb && vb.width > 0 && vb.height > 0) return { width: vb.width, height: vb.height };
  const r = svg.getBoundingClientRect();
  return { width: Math.max(1, Math.round(r.width)), height: Math.max(1, Math.round(r.height)) };
}

/**
 * A deep copy of `source` with every element's computed presentation style inlined (hidden ones
 * dropped). A value is written when it is not the SVG default or when it differs from the parent's
 * (so that an element that sets a property back to its default still does in the copy).
 */
function inlineCopy(source: Element, parent?: CSSStyleDeclaration): Element | null {
  const style = getComputedStyle(source);
  if (style.display === 'none') return null;
  const copy = source.cloneNode(false) as Element;
  const inline: string[] = [];
  for (const p of STYLE_PROPS) {
    const v = style.getPropertyValue(p);
    if (v && (v !== DEFAULTS[p] || (parent && parent.getPropertyValue(p) !== v))) inline.push(`${p}:${v}`);
  }
  if (inline.length > 0) copy.setAttribute('style', inline.join(';'));
  copy.removeAttribute('class');
  for (const child of source.childNodes) {
    if (child.nodeType === Node.ELEMENT_NODE) {
      const c = inlineCopy(child as Element, style);
      if (c) copy.appendChild(c);
    } else if (child.nodeType === Node.TEXT_NODE) {
      copy.appendChild(child.cloneNode(false));
    }
  }
  return copy;
}

/** The first opaque background colour from `el` upwards (the page's, in its current theme). */
function backgroundOf(el: Element): string {
  for (let e: Element | null = el; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    if (bg && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) return bg;
  }
  return '#ffffff';
}

function el<K extends keyof SVGElementTagNameMap>(doc: Document, name: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const e = doc.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** Splits `text` into lines of at most `n` characters (URLs have no spaces to break at). */
function chunks(text: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += n) out.push(text.slice(i, i + n));
  return out.length ? out : [''];
}

/**
 * The widget's figure as a standalone SVG: its plots top to bottom (canvas layers underneath each,
 * as images), on the page's background, with the caption `title` and `url` below.
 */
export function exportFigure(root: HTMLElement, title: string, url: string): ExportedFigure {
  const plots = [...root.querySelectorAll<SVGSVGElement>('svg.iw-plot')].filter((s) => getComputedStyle(s).display !== 'none');
  const sizes = plots.map(plotSize);
  const width = Math.max(320, ...sizes.map((s) => s.width));
  const pad = 12;
  const gap = 8;
  const rootStyle = getComputedStyle(root);
  const text = rootStyle.color || '#000000';
  const fontFamily = rootStyle.fontFamily || 'sans-serif';
  const mono = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
  const urlSize = 11;
  const perLine = Math.max(20, Math.floor((width - 2 * pad) / (urlSize * 0.62)));
  const urlLines = chunks(url, perLine);

  const doc = document.implementation.createDocument(SVG_NS, 'svg', null);
  const svg = doc.documentElement as unknown as SVGSVGElement;
  const figures: Element[] = [];
  let y = pad;
  plots.forEach((plot, i) => {
    const { width: w, height: h } = sizes[i];
    const vb = plot.getAttribute('viewBox') ?? `0 0 ${w} ${h}`;
    const frame = el(doc, 'svg', { x: Math.round((width - w) / 2), y, width: w, height: h, viewBox: vb, overflow: 'visible' });
    // Canvas layers sit under the plot in its .iw-stack, stretched to the plot's box.
    const stack = plot.parentElement?.classList.contains('iw-stack') ? plot.parentElement : null;
    for (const layer of stack ? [...stack.children] : []) {
      if (layer === plot) continue;
      if (layer instanceof HTMLCanvasElement) {
        let href = '';
        try {
          href = layer.width > 0 && layer.height > 0 ? layer.toDataURL('image/png') : '';
        } catch {
          href = '';
        }
        if (href) frame.appendChild(el(doc, 'image', { x: 0, y: 0, width: w, height: h, preserveAspectRatio: 'none', href }));
      } else if (layer instanceof SVGSVGElement) {
        const copy = inlineCopy(layer);
        if (copy) {
          const g = el(doc, 'svg', { x: 0, y: 0, width: w, height: h, viewBox: layer.getAttribute('viewBox') ?? vb, overflow: 'visible' });
          for (const c of [...copy.childNodes]) g.appendChild(doc.importNode(c, true));
          frame.appendChild(g);
        }
      }
    }
    const copy = inlineCopy(plot);
    if (copy) {
      // The plot's own inherited styles (font, colour) go on its frame in the export.
      const own = copy.getAttribute('style');
      if (own) frame.setAttribute('style', own);
      for (const c of [...copy.childNodes]) frame.appendChild(doc.importNode(c, true));
    }
    figures.push(frame);
    y += h + gap;
  });
  y += pad - gap;
  const captionTop = y + 4;
  const titleSize = 14;
  const height = Math.ceil(captionTop + titleSize + 6 + urlLines.length * (urlSize + 4) + pad);

  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('font-family', fontFamily);
  const t = el(doc, 'title');
  t.textContent = title;
  const d = el(doc, 'desc');
  d.textContent = url;
  svg.append(t, d, el(doc, 'rect', { x: 0, y: 0, width, height, fill: backgroundOf(root) }), ...figures);

  const caption = el(doc, 'g', { class: 'iw-export-caption', fill: text });
  const heading = el(doc, 'text', { x: pad, y: captionTop + titleSize, 'font-size': titleSize, 'font-weight': 600, 'font-family': fontFamily });
  heading.textContent = title;
  const link = el(doc, 'a', { href: url });
  const address = el(doc, 'text', { class: 'iw-export-url', x: pad, y: captionTop + titleSize + 6 + urlSize, 'font-size': urlSize, 'font-family': mono });
  urlLines.forEach((line, i) => {
    const span = el(doc, 'tspan', { x: pad, dy: i === 0 ? 0 : urlSize + 4 });
    span.textContent = line;
    address.appendChild(span);
  });
  link.appendChild(address);
  caption.append(heading, link);
  svg.appendChild(caption);
  return { svg: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(doc)}\n`, width, height };
}

/** The same figure as a PNG at `scale`× (drawn from a data URL: nothing can taint the canvas). */
export async function figureToPng(figure: ExportedFigure, scale = 2): Promise<Blob> {
  const img = new Image();
  img.decoding = 'async';
  const loaded = new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('the SVG could not be drawn'));
  });
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(figure.svg)}`;
  await loaded;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(figure.width * scale);
  canvas.height = Math.round(figure.height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2-D canvas');
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be encoded'))), 'image/png'));
}

/** Saves `data` as a download called `name`. */
export function download(data: Blob, name: string): void {
  const href = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/** A file name from the widget id (or the widget's slug on an embed page, whose id is always "embed"). */
export function exportName(id: string, slug: string | undefined, embed: boolean): string {
  const base = (embed && slug ? slug : id).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return base || 'figure';
}
