import { afterAll, describe, expect, test } from 'vitest';
import { compile } from '@mdx-js/mdx';
import { VFile } from 'vfile';
import { join } from 'node:path';
import { remarkNumberedBlocks } from '../../../src/markdown/index.ts';
import { chapter, tempProject } from './helpers.ts';

const ONE = 'content/chapters/01-one.mdx';
const TWO = 'content/chapters/02-two.mdx';
const project = tempProject({
  [ONE]: chapter('One', 'foundations', 1, 'x\n'),
  [TWO]: chapter('Two', 'foundations', 2, 'x\n'),
});
afterAll(() => project.cleanup());

async function run(rel: string, body: string): Promise<string> {
  const file = new VFile({ path: join(project.root, rel), value: body });
  return String(await compile(file, { remarkPlugins: [[remarkNumberedBlocks, { root: project.root }]] }));
}

describe('remarkNumberedBlocks', () => {
  test('numbers figures and exercises per chapter, with the chapter number', async () => {
    const out = await run(TWO, '<Figure id="fig-a">\n\nA\n\n</Figure>\n\n<Exercise id="ex-a">\n\nB\n\n</Exercise>\n\n<Figure id="fig-b">\n\nC\n\n</Figure>\n');
    expect(out).toContain('number: "2.1"');
    expect(out).toContain('number: "2.2"');
    expect(out.match(/number: "2\.1"/g)).toHaveLength(2); // Figure 2.1 and Exercise 2.1
  });

  test('a missing or malformed id and a repeated id fail with file:line', async () => {
    await expect(run(ONE, 'Text.\n\n<Figure>\n\nA\n\n</Figure>\n')).rejects.toThrowError(`[component/bad-id] ${ONE}:3:1: <Figure> needs an id attribute made of lowercase words joined by dashes.`);
    await expect(run(ONE, '<Exercise id="Ex 1">\n\nA\n\n</Exercise>\n')).rejects.toThrowError('received: "Ex 1"');
    await expect(run(ONE, '<Figure id="fig-a">\n\nA\n\n</Figure>\n\n<Figure id="fig-a">\n\nB\n\n</Figure>\n')).rejects.toThrowError(
      `[component/duplicate-id] ${ONE}:7: The id "fig-a" is used twice in this chapter (first on line 1).`,
    );
  });
});
