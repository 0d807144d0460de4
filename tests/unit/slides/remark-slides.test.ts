/** The slide splitting rule (src/markdown/remark-slides.ts; CONTRIBUTING.md, "Slides"). */
import { afterAll, describe, expect, test } from 'vitest';
import { compile, createProcessor } from '@mdx-js/mdx';
import remarkMath from 'remark-math';
import remarkGfm from 'remark-gfm';
import { VFile } from 'vfile';
import { join } from 'node:path';
import { SLIDE_BUDGET, blockLines, planSlides, remarkSlides } from '../../../src/markdown/remark-slides.ts';
import { chapter, tempProject } from '../markdown/helpers.ts';

function plan(mdx: string, budget?: number) {
  const tree = createProcessor({ remarkPlugins: [remarkMath] }).parse(mdx) as any;
  return planSlides(tree.children, budget);
}
/** A slide as the first words of its blocks. */
const summary = (s: ReturnType<typeof plan>) => s.map((x) => x.blocks.map((b: any) => (b.type === 'heading' ? `#${b.children[0].value}` : b.type === 'mdxJsxFlowElement' ? `<${b.name}>` : b.type === 'math' ? '$$' : (b.children?.[0]?.value ?? b.type).split(' ')[0])));
const para = (word: string, chars: number) => `${word} ${'x'.repeat(Math.max(0, chars - word.length - 1))}`;

describe('planSlides', () => {
  test('a slide starts at every ## and ### heading, and the intro gets its own slide', () => {
    const s = plan('Intro.\n\n## One\n\nA.\n\n### One-a\n\nB.\n\n#### Deep\n\nC.\n\n## Two\n\nD.\n');
    expect(summary(s)).toEqual([['Intro.'], ['#One', 'A.'], ['#One-a', 'B.', '#Deep', 'C.'], ['#Two', 'D.']]);
    expect(s[1].line).toBe(3);
  });

  test('<Slide /> starts a slide and is consumed; its title is kept for the deck', () => {
    const s = plan('## One\n\nA.\n\n<Slide title="A picture" />\n\nB.\n\n<Slide />\n\nC.\n');
    expect(summary(s)).toEqual([['#One', 'A.'], ['B.'], ['C.']]);
    expect(s[1].title).toEqual({ heading: null, text: 'A picture' });
    expect(s[2].title).toBeUndefined();
  });

  test('a section longer than the budget splits between blocks, and the continuation repeats the heading', () => {
    const body = Array.from({ length: 5 }, (_, i) => para(`p${i}`, 95 * 4)).join('\n\n'); // 4 lines each
    const s = plan(`## Long\n\n${body}\n`, 10);
    expect(summary(s)).toEqual([['#Long', 'p0', 'p1'], ['p2', 'p3'], ['p4']]);
    expect(s.map((x) => x.part)).toEqual([[1, 3], [2, 3], [3, 3]]);
    expect(s[1].title?.heading).toBe(s[0].blocks[0]);
    expect(s.every((x) => x.lines <= 10)).toBe(true);
  });

  test('a single block taller than the budget stays whole on one slide (which scrolls)', () => {
    const s = plan(`## Big\n\n${para('huge', 95 * 30)}\n\nafter\n`, 10);
    expect(summary(s)).toEqual([['#Big', 'huge'], ['after']]);
    expect(s[0].lines).toBe(30);
  });

  test('a widget, or a figure holding one, gets a slide of its own', () => {
    const s = plan('## W\n\nBefore.\n\n<Figure id="fig-a">\n\n<Island widget="x" id="a" />\n\n</Figure>\n\nAfter.\n');
    expect(summary(s)).toEqual([['#W', 'Before.'], ['<Figure>'], ['After.']]);
    expect(blockLines(s[1].blocks[0] as any)).toBe(SLIDE_BUDGET);
  });

  test('Notes and BookOnly take no room; SlideOnly counts', () => {
    const s = plan(`## N\n\n${para('a', 95 * 8)}\n\n<Notes>\n\n${para('n', 95 * 20)}\n\n</Notes>\n\n<BookOnly>\n\n${para('b', 95 * 20)}\n\n</BookOnly>\n\n<SlideOnly>\n\n${para('s', 95 * 8)}\n\n</SlideOnly>\n`, 10);
    expect(summary(s)).toEqual([['#N', 'a', '<Notes>', '<BookOnly>'], ['<SlideOnly>']]);
  });

  test('every block is on exactly one slide, in order', () => {
    const src = Array.from({ length: 40 }, (_, i) => (i % 7 === 0 ? `## H${i}` : i % 5 === 0 ? `$$\na_${i} \\\\ b\n$$` : para(`w${i}`, 40 + 37 * i))).join('\n\n');
    const tree = createProcessor({ remarkPlugins: [remarkMath] }).parse(src) as any;
    const flat = planSlides(tree.children, 12).flatMap((x) => x.blocks);
    expect(flat).toEqual(tree.children);
  });

  test('block sizes: prose by length, display math by rows, lists by items, tables by rows', () => {
    const t = (src: string) => blockLines((createProcessor({ remarkPlugins: [remarkMath, remarkGfm] }).parse(src) as any).children[0]);
    expect(t(para('p', 95 * 3))).toBe(3);
    expect(t('$$\na \\\\ b \\\\ c\n$$')).toBe(7);
    expect(t('- a\n- b\n- c\n')).toBe(3);
    expect(t('| a |\n| - |\n| 1 |\n| 2 |\n')).toBe(4);
  });
});

describe('remarkSlides in the MDX pipeline', () => {
  const ONE = 'content/chapters/01-one.mdx';
  const project = tempProject({ [ONE]: chapter('One', 'foundations', 1, 'x\n') });
  afterAll(() => project.cleanup());
  const run = async (body: string) => String(await compile(new VFile({ path: join(project.root, ONE), value: body }), { remarkPlugins: [remarkMath, [remarkSlides, { root: project.root }]] }));

  test('wraps each slide in <IwSlide> and exports the book defaults for the wrappers', async () => {
    const out = await run('Intro.\n\n## One\n\nA.\n\n<Notes>\n\nSay this.\n\n</Notes>\n');
    expect(out.match(/_jsx\(IwSlide|_jsxs\(IwSlide/g)).toHaveLength(2);
    expect(out).toContain('export const components = {');
    expect(out).toMatch(/import IwSlidePass from "\.\.\/\.\.\/src\/components\/slides\/Pass\.astro"/);
    expect(out).toContain('index: "2"');
    expect(out).toContain('line: "3"');
  });

  test('misplaced tags fail with file:line', async () => {
    await expect(run('## A\n\n<Aside>\n\n<Slide />\n\n</Aside>\n')).rejects.toThrowError(`[slides/misplaced] ${ONE}:5:1:`);
    await expect(run('## A\n\n<Slide>\n\nx\n\n</Slide>\n')).rejects.toThrowError('takes no content');
    await expect(run('## A\n\n<SlideOnly>\n\n### Hidden\n\n</SlideOnly>\n')).rejects.toThrowError(`[slides/misplaced] ${ONE}:5:1: <SlideOnly> holds a heading`);
  });
});
