/**
 * Heading ids and permalinks. Ids come from Astro's own `rehypeHeadingIds` (github-slugger, the
 * ids Astro's TOC uses; headings that already have an id keep it), then rehype-autolink-headings
 * appends `<a class="heading-permalink" href="#id" aria-label="Permalink to <heading>">` holding
 * an SVG icon (no text, so Astro's heading text for the TOC is unchanged).
 */
import type { Element as HastElement } from 'hast';
import { rehypeHeadingIds } from '@astrojs/markdown-remark';

export { rehypeHeadingIds };
import rehypeAutolinkHeadings from 'rehype-autolink-headings';
import { toString as hastToString } from 'hast-util-to-string';
import type { PluggableList } from 'unified';

/** The `#`-like link icon used by heading and equation permalinks (decorative). */
export function linkIcon(): HastElement {
  return {
    type: 'element',
    tagName: 'svg',
    properties: { className: ['permalink-icon'], viewBox: '0 0 16 16', width: 16, height: 16, ariaHidden: 'true', focusable: 'false' },
    children: [
      {
        type: 'element',
        tagName: 'path',
        properties: { fill: 'currentColor', d: 'M6.5 1 5.7 5H2.5v1.5h2.9l-.6 3H1.5V11h3l-.8 4h1.5l.8-4h3l-.8 4h1.5l.8-4h3.3V9.5h-3l.6-3h3.4V5h-3.1l.8-4H10l-.8 4h-3l.8-4H6.5Zm-.5 5.5h3l-.6 3h-3l.6-3Z' },
        children: [],
      },
    ],
  };
}

/** Text of a heading for the permalink's accessible name (TeX source for math, no icons). */
function headingText(node: HastElement): string {
  return hastToString(node).replace(/\s+/g, ' ').trim();
}

/** rehype-autolink-headings, configured: appends the permalink to every heading that has an id. */
export function headingPermalinks(): PluggableList[number] {
  return [
    rehypeAutolinkHeadings,
    {
      behavior: 'append',
      test: (node: HastElement) => !(node.properties?.dataNoPermalink != null),
      properties: (node: HastElement) => ({ className: ['heading-permalink'], ariaLabel: `Permalink to ${headingText(node)}` }),
      content: () => [linkIcon()],
    },
  ];
}

/** Ids (Astro's rehypeHeadingIds), then permalinks. */
export function rehypeHeadingLinks(): PluggableList {
  return [rehypeHeadingIds, headingPermalinks()];
}
