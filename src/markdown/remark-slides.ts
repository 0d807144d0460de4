/**
 * Slides from chapters (runs last among the MDX remark plugins, after remark-widgets).
 *
 * The chapter's top-level blocks are grouped into slides and each group is wrapped in an
 * `<IwSlide>` element. The same compiled chapter serves both routes, and the components map
 * decides what a wrapper is:
 *
 * - on the book page (`/chapters/<slug>/`) the defaults injected here apply: `IwSlide` and
 *   `BookOnly` render their children and nothing else, `SlideOnly` and `Notes` render nothing;
 * - the deck (`src/pages/slides/[slug].astro`) passes its own: `IwSlide` is a reveal.js
 *   `<section>`, `Notes` an `<aside class="notes">`, `SlideOnly` its children, `BookOnly` nothing.
 *
 * The rule (CONTRIBUTING.md, "Slides"): a slide starts at every `##` and `###` heading and at
 * every `<Slide />` marker (which may give the new slide a `title`). A slide whose blocks add up
 * to more than `SLIDE_BUDGET` lines continues on the next slide, split between blocks (never
 * inside a paragraph, list, equation or figure); a figure that holds a widget always gets a slide
 * of its own. A block's size in lines is estimated from its text (`blockLines`). A single block
 * taller than the frame stays on one slide, which scrolls.
 *
 * Equation numbers, figure numbers, `\eqref` links and KaTeX HTML are untouched: they are the
 * book's own, since the wrappers only group nodes that the earlier plugins have already numbered.
 */
import { basename, dirname, join, relative } from 'node:path';
import katex from 'katex';
import { bookError } from '../errors/index.ts';
import { katexOptions } from './katex.ts';
import { readMacros } from './macros.ts';
import { absoluteFilePath, projectFile } from './util.ts';
import { slugFromFile } from '../book/book.ts';

/** Lines of body text a 16:9 slide holds below its heading (1600 × 900 frame, 28 px type). */
export const SLIDE_BUDGET = 14;
/** Characters of prose per line on a slide. */
export const CHARS_PER_LINE = 95;

/** The authoring tags of slides (lessons use them without an import). */
export const SLIDE_TAGS = ['Slide', 'Notes', 'SlideOnly', 'BookOnly'] as const;

interface Node {
  type: string;
  name?: string | null;
  depth?: number;
  value?: string;
  children?: Node[];
  attributes?: { type: string; name?: string; value?: unknown }[];
  position?: { start: { line: number; column: number } };
  data?: Record<string, unknown>;
}

/** One planned slide: the blocks on it, where it starts, and its heading when it continues one. */
export interface PlannedSlide {
  blocks: Node[];
  /** Source line of its first block (or marker). */
  line: number;
  /** Estimated height in lines. */
  lines: number;
  /** The heading this slide continues ("… (continued)"), or a `<Slide title>`: shown on the deck only. */
  title?: { heading: Node | null; text: string };
  /** Part k of n of one heading's section (1-based), when a section is split. */
  part?: [number, number];
}

const isJsx = (n: Node) => n.type === 'mdxJsxFlowElement' || n.type === 'mdxJsxTextElement';
const attr = (n: Node, name: string) => n.attributes?.find((a) => a.type === 'mdxJsxAttribute' && a.name === name)?.value;

function textLength(n: Node): number {
  if (n.type === 'text' || n.type === 'inlineCode') return (n.value ?? '').length;
  // Typeset inline math is about half as wide as its TeX.
  if (n.type === 'inlineMath') return Math.ceil((n.value ?? '').length / 2);
  return (n.children ?? []).reduce((s, c) => s + textLength(c), 0);
}

function contains(n: Node, test: (n: Node) => boolean): boolean {
  if (test(n)) return true;
  return (n.children ?? []).some((c) => contains(c, test));
}

const hasWidget = (n: Node) => contains(n, (c) => isJsx(c) && c.name === 'Island');

/** Estimated height of one top-level block on a slide, in lines of body text. */
export function blockLines(n: Node): number {
  switch (n.type) {
    case 'paragraph':
      return Math.max(1, Math.ceil(textLength(n) / CHARS_PER_LINE));
    case 'heading':
      return 2;
    case 'math': {
      const rows = (n.value ?? '').split(/\\\\/).length;
      return 1 + 2 * rows;
    }
    case 'code':
      return 1 + (n.value ?? '').split('\n').length;
    case 'list':
      return (n.children ?? []).reduce((s, item) => s + Math.max(1, (item.children ?? []).reduce((t, c) => t + blockLines(c), 0)), 0);
    case 'listItem':
    case 'blockquote':
      return (n.children ?? []).reduce((s, c) => s + blockLines(c), 0);
    case 'table':
      return 1 + (n.children ?? []).length;
    case 'thematicBreak':
      return 1;
    case 'mdxJsxFlowElement': {
      if (n.name === 'Island') return SLIDE_BUDGET;
      if (n.name === 'Notes' || n.name === 'BookOnly') return 0;
      if (n.name === 'Solution') return 1; // collapsed until opened
      if (n.name === 'Figure' && hasWidget(n)) return SLIDE_BUDGET;
      const inner = (n.children ?? []).reduce((s, c) => s + blockLines(c), 0);
      return n.name === 'SlideOnly' ? inner : inner + 2;
    }
    default:
      return 1;
  }
}

/** Blocks that never share a slide: a widget (or a figure holding one). */
const standsAlone = (n: Node) => (isJsx(n) && n.name === 'Island') || (n.type === 'mdxJsxFlowElement' && n.name === 'Figure' && hasWidget(n));

export class SlidePlacementError extends Error {
  constructor(
    readonly node: Node,
    readonly tag: string,
    readonly kind: 'nested' | 'children' | 'numbered-in-slide-only',
    readonly what?: string,
  ) {
    super(`${tag}: ${kind}`);
  }
}

/** Checks where the slide tags are used: `<Slide />` only at the top level, nothing numbered inside `<SlideOnly>`. */
function checkTags(root: Node) {
  const walk = (n: Node, depth: number, inSlideOnly: boolean) => {
    if (isJsx(n) && n.name === 'Slide') {
      if (depth !== 1 || n.type !== 'mdxJsxFlowElement') throw new SlidePlacementError(n, 'Slide', 'nested');
      if ((n.children ?? []).length > 0) throw new SlidePlacementError(n, 'Slide', 'children');
    }
    if (inSlideOnly) {
      if (n.type === 'heading') throw new SlidePlacementError(n, 'SlideOnly', 'numbered-in-slide-only', 'a heading');
      if (n.type === 'math' && (n.data as any)?.equation) throw new SlidePlacementError(n, 'SlideOnly', 'numbered-in-slide-only', 'a labelled equation');
      if (isJsx(n) && (n.name === 'Figure' || n.name === 'Exercise')) throw new SlidePlacementError(n, 'SlideOnly', 'numbered-in-slide-only', `a <${n.name}>`);
    }
    const inside = inSlideOnly || (isJsx(n) && n.name === 'SlideOnly');
    for (const c of n.children ?? []) walk(c, depth + 1, inside);
  };
  walk(root, 0, false);
}

/**
 * Groups top-level blocks into slides by the rule above. Pure: takes the root's children, returns
 * the plan (each block appears in exactly one slide, in order; `<Slide />` markers are consumed).
 */
export function planSlides(children: Node[], budget = SLIDE_BUDGET): PlannedSlide[] {
  const slides: PlannedSlide[] = [];
  // The section we are in: the heading (or `<Slide title>`) that opened it, and its slides.
  interface Section {
    heading: Node | null;
    text: string;
    slides: PlannedSlide[];
  }
  const sections: Section[] = [];
  let section: Section = { heading: null, text: '', slides: [] };
  sections.push(section);
  let current: PlannedSlide | null = null;
  const lineOf = (n: Node) => n.position?.start.line ?? 0;

  const open = (first: Node, title?: PlannedSlide['title']): PlannedSlide => {
    const slide: PlannedSlide = { blocks: [], line: lineOf(first), lines: 0, title };
    slides.push(slide);
    section.slides.push(slide);
    current = slide;
    return slide;
  };
  const newSection = (heading: Node | null, text: string) => {
    section = { heading, text, slides: [] };
    sections.push(section);
  };

  for (const node of children) {
    if (node.type === 'mdxJsxFlowElement' && node.name === 'Slide') {
      const t = attr(node, 'title');
      const text = typeof t === 'string' ? t.trim() : '';
      newSection(null, text);
      open(node, text ? { heading: null, text } : undefined);
      continue;
    }
    if (node.type === 'heading' && (node.depth === 2 || node.depth === 3)) {
      newSection(node, '');
      open(node).blocks.push(node); // the heading sits in the title area: no lines
      continue;
    }
    const size = blockLines(node);
    let slide = current as PlannedSlide | null;
    const hasBody = slide ? slide.blocks.some((b) => b.type !== 'heading' && blockLines(b) > 0) : false;
    const full = slide ? slide.lines + size > budget || standsAlone(node) || slide.blocks.some(standsAlone) : true;
    if (!slide || (size > 0 && hasBody && full)) {
      const title = section.heading ? { heading: section.heading, text: '' } : section.text ? { heading: null, text: section.text } : undefined;
      slide = open(node, slide ? title : undefined);
    }
    slide.blocks.push(node);
    slide.lines += size;
  }
  for (const s of sections) {
    if (s.slides.length > 1) s.slides.forEach((slide, i) => (slide.part = [i + 1, s.slides.length]));
  }
  return slides;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A heading's content as HTML for a "continued" title: text, emphasis, code and KaTeX math. */
export function headingHtml(n: Node, macros: Record<string, string>): string {
  const inner = (c: Node): string => {
    switch (c.type) {
      case 'text':
        return escapeHtml(c.value ?? '');
      case 'inlineCode':
        return `<code>${escapeHtml(c.value ?? '')}</code>`;
      case 'inlineMath':
        try {
          return katex.renderToString(c.value ?? '', { ...katexOptions({ ...macros }), displayMode: false });
        } catch {
          return escapeHtml(c.value ?? '');
        }
      case 'emphasis':
        return `<em>${(c.children ?? []).map(inner).join('')}</em>`;
      case 'strong':
        return `<strong>${(c.children ?? []).map(inner).join('')}</strong>`;
      default:
        return (c.children ?? []).map(inner).join('');
    }
  };
  return (n.children ?? []).map(inner).join('');
}

const jsxAttr = (name: string, value: string) => ({ type: 'mdxJsxAttribute', name, value });

/** `import A from "…"` and `export const components = { … }` as an MDX ESM node with its estree. */
function componentsExport(imports: Record<string, string>, map: Record<string, string>): Node {
  const id = (name: string) => ({ type: 'Identifier', name });
  const body: unknown[] = Object.entries(imports).map(([local, source]) => ({
    type: 'ImportDeclaration',
    specifiers: [{ type: 'ImportDefaultSpecifier', local: id(local) }],
    source: { type: 'Literal', value: source, raw: JSON.stringify(source) },
    attributes: [],
  }));
  body.push({
    type: 'ExportNamedDeclaration',
    specifiers: [],
    source: null,
    attributes: [],
    declaration: {
      type: 'VariableDeclaration',
      kind: 'const',
      declarations: [
        {
          type: 'VariableDeclarator',
          id: id('components'),
          init: {
            type: 'ObjectExpression',
            properties: Object.entries(map).map(([key, local]) => ({ type: 'Property', kind: 'init', method: false, shorthand: false, computed: false, key: id(key), value: id(local) })),
          },
        },
      ],
    },
  });
  const value = [
    ...Object.entries(imports).map(([local, source]) => `import ${local} from ${JSON.stringify(source)};`),
    `export const components = { ${Object.entries(map).map(([k, v]) => `${k}: ${v}`).join(', ')} };`,
  ].join('\n');
  return { type: 'mdxjsEsm', value, data: { estree: { type: 'Program', sourceType: 'module', body, comments: [] } } };
}

export interface SlidesOptions {
  root: string;
  budget?: number;
}

export function remarkSlides(options: SlidesOptions) {
  const { root } = options;
  return (tree: Node, file: { path?: string; history?: string[]; cwd?: string }) => {
    const abs = absoluteFilePath(file as any);
    if (!abs) return;
    const rel = projectFile(file as any, root);
    if (!slugFromFile(basename(abs)) || !rel.startsWith('content/chapters/')) return;
    try {
      checkTags(tree);
    } catch (e) {
      if (!(e instanceof SlidePlacementError)) throw e;
      const p = e.node.position?.start;
      throw bookError('slides/misplaced', { tag: e.tag, kind: e.kind, what: e.what }, { file: rel, line: p?.line, column: p?.column });
    }
    const children = tree.children ?? [];
    const esm = children.filter((n) => n.type === 'mdxjsEsm');
    const body = children.filter((n) => n.type !== 'mdxjsEsm' && n.type !== 'yaml' && n.type !== 'toml');
    const plan = planSlides(body, options.budget);
    const macros = readMacros(root);
    const wrapped: Node[] = plan.map((s, i) => {
      const attributes = [jsxAttr('index', String(i + 1)), jsxAttr('line', String(s.line))];
      if (s.title) attributes.push(jsxAttr('title', s.title.heading ? headingHtml(s.title.heading, macros) : escapeHtml(s.title.text)));
      if (s.part && s.part[0] > 1) attributes.push(jsxAttr('continued', 'true'));
      if (s.part) attributes.push(jsxAttr('part', `${s.part[0]}/${s.part[1]}`));
      return { type: 'mdxJsxFlowElement', name: 'IwSlide', attributes, children: s.blocks };
    });
    // The book's defaults for the wrappers, unless the chapter exports its own components map.
    const exportsComponents = esm.some((n) => /export\s+const\s+components\b/.test(n.value ?? ''));
    const extra: Node[] = [];
    if (!exportsComponents) {
      const dir = dirname(abs);
      const rel2 = (p: string) => {
        const r = relative(dir, join(root, p)).split('\\').join('/');
        return r.startsWith('.') ? r : `./${r}`;
      };
      extra.push(
        componentsExport(
          { IwSlidePass: rel2('src/components/slides/Pass.astro'), IwSlideDrop: rel2('src/components/slides/Drop.astro') },
          { IwSlide: 'IwSlidePass', BookOnly: 'IwSlidePass', SlideOnly: 'IwSlideDrop', Notes: 'IwSlideDrop' },
        ),
      );
    }
    tree.children = [...children.filter((n) => n.type === 'mdxjsEsm' || n.type === 'yaml' || n.type === 'toml'), ...extra, ...wrapped];
  };
}
