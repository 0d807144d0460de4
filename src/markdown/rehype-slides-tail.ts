/**
 * The last of the MDX rehype plugins: what earlier rehype plugins append after the last slide
 * (the "References" heading and list of rehype-citations) is wrapped in one more `<IwSlide>`, so a
 * deck has no content outside its slides. On the book page the wrapper renders only its children
 * (see remark-slides.ts), so the page is unchanged.
 */
export function rehypeSlidesTail() {
  return (tree: { children: any[] }) => {
    const kids = tree.children;
    let last = -1;
    kids.forEach((n, i) => {
      if (n.type === 'mdxJsxFlowElement' && n.name === 'IwSlide') last = i;
    });
    if (last < 0) return; // not a chapter (remark-slides left it alone)
    const tail = kids.slice(last + 1);
    if (!tail.some((n) => n.type === 'element' || n.type === 'mdxJsxFlowElement')) return;
    const count = kids.filter((n) => n.type === 'mdxJsxFlowElement' && n.name === 'IwSlide').length;
    const wrapper = {
      type: 'mdxJsxFlowElement',
      name: 'IwSlide',
      attributes: [
        { type: 'mdxJsxAttribute', name: 'index', value: String(count + 1) },
        { type: 'mdxJsxAttribute', name: 'line', value: '0' },
      ],
      children: tail,
    };
    tree.children = [...kids.slice(0, last + 1), wrapper];
  };
}
