/**
 * Root-relative links written in Markdown (`[see](/chapters/sgd/#x)`) get the site base:
 * `/course/chapters/sgd/#x`. Links that already start with the base, protocol-relative links
 * (`//host/…`) and everything that is not root-relative are left alone. Applies to <a href> and
 * <img src>.
 */
import type { Element as HastElement, Root } from 'hast';
import { visit } from 'unist-util-visit';
import { normalizeBase, withBase } from '../book/base-path.ts';

export { withBase };

export interface BaseLinkOptions {
  base?: string;
}

export function rehypeBaseLinks(options: BaseLinkOptions = {}) {
  const base = normalizeBase(options.base);
  return function transform(tree: Root) {
    if (base === '/') return;
    visit(tree, 'element', (node: HastElement) => {
      const attr = node.tagName === 'a' ? 'href' : node.tagName === 'img' ? 'src' : null;
      if (!attr) return;
      const v = node.properties?.[attr];
      if (typeof v === 'string') node.properties[attr] = withBase(v, base);
    });
  };
}
