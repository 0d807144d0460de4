import { afterAll, describe, expect, test } from 'vitest';
import { compile } from '@mdx-js/mdx';
import remarkMath from 'remark-math';
import { VFile } from 'vfile';
import { join } from 'node:path';
import { remarkEquationLabels } from '../../../src/markdown/index.ts';
import { remarkEditions, type EditionName } from '../../../src/markdown/remark-editions.ts';
import { defaultOutDir, parseEdition } from '../../../src/lib/edition.ts';
import { chapter, tempProject } from './helpers.ts';

const ONE = 'content/chapters/01-one.mdx';
const project = tempProject({ [ONE]: chapter('One', 'foundations', 1, 'x\n') });
afterAll(() => project.cleanup());

async function run(body: string, edition: EditionName): Promise<string> {
  const file = new VFile({ path: join(project.root, ONE), value: body });
  return String(
    await compile(file, {
      remarkPlugins: [remarkMath, [remarkEquationLabels, { root: project.root }], [remarkEditions, { root: project.root, edition }]],
    }),
  );
}

const LESSON = `<Exercise id="ex-a">

Q.

<Solution public>

PUBLIC-TEXT

</Solution>
</Exercise>

<Exercise id="ex-b">

Q.

<Solution summary="Answer">

KEPT-TEXT

</Solution>
</Exercise>

<InstructorNote title="Assign">

BLOCK-NOTE

</InstructorNote>

Inline <InstructorNote>INLINE-NOTE</InstructorNote> here.
`;

describe('remarkEditions', () => {
  test('default edition: a kept-back solution arrives empty and withheld; notes are gone', async () => {
    const out = await run(LESSON, 'default');
    expect(out).toContain('PUBLIC-TEXT');
    for (const gone of ['KEPT-TEXT', 'BLOCK-NOTE', 'INLINE-NOTE', 'InstructorNote']) expect(out).not.toContain(gone);
    expect(out).toMatch(/_jsx\(Solution, \{\s*summary: "Answer",\s*withheld: true\s*\}\)/);
    expect(out).not.toContain('public:');
    expect(out).toContain('Inline ');
  });

  test('instructor edition: everything, the kept-back solution marked, notes through InstructorNote.astro', async () => {
    const out = await run(LESSON, 'instructor');
    for (const kept of ['PUBLIC-TEXT', 'KEPT-TEXT', 'BLOCK-NOTE', 'INLINE-NOTE']) expect(out).toContain(kept);
    expect(out).toContain('instructorOnly: true');
    expect(out).toContain('import IwInstructorNote from "../../src/components/InstructorNote.astro"');
    expect(out).not.toContain('withheld');
  });

  test('public is a bare flag, and the build’s own attributes are refused', async () => {
    for (const edition of ['default', 'instructor'] as const) {
      await expect(run('<Solution public="yes">\n\nA\n\n</Solution>\n', edition)).rejects.toThrowError(`[component/bad-solution] ${ONE}:1:11`);
      await expect(run('<Solution withheld>\n\nA\n\n</Solution>\n', edition)).rejects.toThrowError('<Solution withheld> is set by the build');
    }
  });

  test('a kept-back solution or a note may not hold what the book numbers', async () => {
    const labelled = '<Solution>\n\n$$\nx \\label{eq:kept}\n$$\n\n</Solution>\n';
    await expect(run(labelled, 'default')).rejects.toThrowError(`[component/numbered-in-withheld] ${ONE}:3:1: This <Solution> is left out of the default edition, but it holds a labelled equation`);
    await expect(run(labelled, 'instructor')).rejects.toThrowError('[component/numbered-in-withheld]');
    await expect(run('<InstructorNote>\n\n<Figure id="fig-x">\n\nA\n\n</Figure>\n\n</InstructorNote>\n', 'default')).rejects.toThrowError('This <InstructorNote> is left out of the default edition, but it holds a <Figure>');
    // A public solution may.
    await expect(run('<Solution public>\n\n$$\nx \\label{eq:open}\n$$\n\n</Solution>\n', 'default')).resolves.toContain('eq-open');
  });
});

describe('editions', () => {
  test('IW_EDITION: unset or empty is the default edition; unknown names are refused', () => {
    expect(parseEdition(undefined)).toBe('default');
    expect(parseEdition('')).toBe('default');
    expect(parseEdition('instructor')).toBe('instructor');
    expect(() => parseEdition('teacher')).toThrowError('Unknown edition "teacher"');
    expect(defaultOutDir('default')).toBe('dist');
    expect(defaultOutDir('instructor')).toBe('dist-instructor');
  });
});
