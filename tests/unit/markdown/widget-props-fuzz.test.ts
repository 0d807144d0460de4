/**
 * Fuzzed MDX props at build time: every widget × every parameter × hostile values (NaN, ±Infinity,
 * 1e308 and 1e999, empty, HTML/script, a 5 KB string, unicode, prototype keys, arrays, objects,
 * spreads, a repeated prop, a bare flag) through the real MDX parser and remarkWidgets. Each lesson
 * either builds or fails with a book error naming the file and line — never another exception (a
 * stack trace in the build), never a polluted Object.prototype. The same for StateLink's `set`.
 */
import { createProcessor } from '@mdx-js/mdx';
import remarkMath from 'remark-math';
import { VFile } from 'vfile';
import { describe, expect, test } from 'vitest';
import { BookError } from '../../../src/errors/index.ts';
import { remarkWidgets } from '../../../src/markdown/remark-widgets.ts';
import { widgets } from '../../../widgets/registry.ts';

const ROOT = '/book';
const FILE = `${ROOT}/content/chapters/01-fuzz.mdx`;
/** Hostile prop values as they would be written in MDX source. */
const HOSTILE = [
  '{NaN}',
  '{Infinity}',
  '{-Infinity}',
  '{1e308}',
  '{-1e308}',
  '{1e999}',
  '""',
  '"  "',
  '"<script>alert(1)</script>"',
  `"${'x'.repeat(5000)}"`,
  `"${'😀'.repeat(40)}"`,
  '"__proto__"',
  '{__proto__}',
  '{{ __proto__: { polluted: 1 } }}',
  '{{ constructor: { prototype: { polluted: 1 } } }}',
  '{[]}',
  '{[1, [2, [3]]]}',
  '{[NaN, 1]}',
  '{null}',
  '{undefined}',
  '{true}',
  '{-0}',
  '{0x10}',
  '{"1e3"}',
  '{`template`}',
  '{1 + 1}',
  '{(() => 1)()}',
];

/** Runs the widget checks over `body` (after 5 lines of preamble, so the tag is on line 6). */
async function check(body: string): Promise<unknown> {
  const value = `## Fuzz\n\nText.\n\nMore text.\n${body}\n`;
  const processor = createProcessor({ remarkPlugins: [remarkMath, [remarkWidgets, { root: ROOT }]] });
  try {
    const file = new VFile({ path: FILE, value });
    // parse gives mdast, run turns it into estree: the types of one processor do not chain here.
    await processor.run(processor.parse(file) as never, file);
    return null;
  } catch (e) {
    return e;
  }
}

function expectBookErrorOrNothing(e: unknown, what: string): void {
  if (e === null) return;
  expect(e, `${what}: ${(e as Error)?.stack ?? String(e)}`).toBeInstanceOf(BookError);
  const b = e as BookError;
  expect(b.location?.file, what).toBe('content/chapters/01-fuzz.mdx');
  expect(b.location?.line, what).toBe(6);
  expect(b.message, what).toMatch(/^\[(widget|component|statelink)\/[a-z-]+\] content\/chapters\/01-fuzz\.mdx:6:\d+: /);
  expect(b.message.length, `${what}: a bounded message`).toBeLessThan(4000);
}

describe('fuzzed MDX props fail with file:line, never crash the build', () => {
  for (const w of widgets) {
    test(`${w.name}: ${Object.keys(w.schema.params).length + 1} props × ${HOSTILE.length} values, spreads, repeats, flags`, async () => {
      let failed = 0;
      for (const key of [...Object.keys(w.schema.params), 'preset']) {
        for (const v of HOSTILE) {
          const e = await check(`<${w.name} id="fig-fuzz" ${key}=${v} />`);
          expectBookErrorOrNothing(e, `${w.name} ${key}=${v.slice(0, 40)}`);
          if (e) failed++;
        }
        // A repeated prop and a bare flag (true).
        expectBookErrorOrNothing(await check(`<${w.name} id="fig-fuzz" ${key}={1} ${key}="two" />`), `${w.name} ${key} repeated`);
        expectBookErrorOrNothing(await check(`<${w.name} id="fig-fuzz" ${key} />`), `${w.name} ${key} as a flag`);
      }
      expectBookErrorOrNothing(await check(`<${w.name} id="fig-fuzz" {...{ a: 1 }} />`), `${w.name} spread`);
      for (const id of ['""', '{1}', '"Fig Fuzz"', '"fig-<b>"', '{undefined}']) expectBookErrorOrNothing(await check(`<${w.name} id=${id} />`), `${w.name} id=${id}`);
      // Most hostile values are refused (a handful, such as "" for a string or {true} for a flag, may be fine).
      expect(failed).toBeGreaterThan(HOSTILE.length);
      // StateLink's set, with the same values, targeting the widget.
      const first = Object.keys(w.schema.params)[0];
      for (const v of HOSTILE) {
        const e = await check(`<${w.name} id="fig-fuzz" />\n\n<StateLink to="fig-fuzz" set={{ ${first}: ${v.replace(/^\{|\}$/g, '')} }}>this</StateLink>`);
        if (e !== null) {
          expect(e, `StateLink ${first}=${v.slice(0, 40)}: ${(e as Error)?.stack}`).toBeInstanceOf(BookError);
          expect((e as BookError).location?.line).toBe(8);
        }
      }
      expect('polluted' in Object.prototype).toBe(false);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }
});
