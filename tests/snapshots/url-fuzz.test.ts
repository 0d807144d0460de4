/**
 * Fuzzed URL state, every value of every parameter of every widget (the browser test,
 * tests/e2e/hostile.test.ts, loads one page per parameter; this covers the whole cross product):
 * NaN, ±Infinity, 1e308, empty, HTML/script, 5 KB strings, unicode, prototype keys, hex, commas.
 * Each value is read as the widget reads its address; the state that results must be valid for
 * its schema (finite numbers within range, a known option, well-formed points), a refused value
 * names its parameter, and the widget rendered on the server with that state draws no NaN and
 * injects nothing. Prototype keys as parameter names and repeated keys are read too.
 */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import type { Component } from 'svelte';
import { widgets } from '../../widgets/registry.ts';
import { readState, type ParamSpec, type ParamValue } from '../../widgets/core/params.ts';
import { figures } from './figures.ts';

export const HOSTILE_VALUES = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e308',
  '-1e308',
  '1e999',
  '',
  ' ',
  '0x10',
  '1,2,3',
  '-0',
  '<img src=x onerror=alert(1)>',
  '"><script>alert(1)</script>',
  'javascript:alert(1)',
  '__proto__',
  'constructor',
  'toString',
  '%00',
  '\u0000',
  '😀'.repeat(50),
  '\u202eevil',
  'x'.repeat(5000),
  '9'.repeat(400),
  '1:2,3:4,5',
  ',;,;=,',
  '-1:NaN,2:Infinity',
];

function isValid(spec: ParamSpec, v: ParamValue): boolean {
  switch (spec.type) {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && v >= spec.min && v <= spec.max && (!spec.integer || Number.isInteger(v));
    case 'select':
      return typeof v === 'string' && spec.options.some((o) => o.value === v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string' && v.length <= spec.maxLength && !spec.validate?.(v);
    case 'points':
      return Array.isArray(v) && v.length <= spec.maxCount && v.every((p) => Array.isArray(p) && p.length === spec.dims && p.every(Number.isFinite));
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each view has its own props type
async function viewOf(w: { slug: string; name: string }): Promise<Component<any>> {
  return ((await import(`../../widgets/${w.slug}/${w.name}.svelte`)) as { default: Component<any> }).default;
}

describe('fuzzed URL state: valid state, named notices, a clean server-rendered figure', () => {
  for (const w of widgets) {
    const keys = Object.keys(w.schema.params);
    it(`${w.slug}: ${keys.length + 1} keys × ${HOSTILE_VALUES.length} values`, async () => {
      const View = await viewOf(w);
      const rendered = new Set<string>();
      const check = (search: string, what: string) => {
        const { values, notices } = readState(w.schema, search);
        for (const [k, spec] of Object.entries(w.schema.params)) expect(isValid(spec, (values as Record<string, ParamValue>)[k]), `${what}: ${k} = ${JSON.stringify((values as Record<string, unknown>)[k])?.slice(0, 80)}`).toBe(true);
        for (const n of notices) {
          // A notice names a parameter, the preset, or an unknown key that was given.
          expect(n.param === 'preset' || keys.includes(n.param) || new URLSearchParams(search).has(n.param), `${what}: notice for ${n.param}`).toBe(true);
          expect(n.message.length, `${what}: a bounded notice`).toBeLessThan(400);
        }
        // Render each distinct resulting state once (most refused values leave the defaults).
        const key = JSON.stringify(values);
        if (rendered.has(key)) return;
        rendered.add(key);
        const { body } = render(View, { props: { id: 'fuzz', initial: values } });
        const svg = figures(body);
        expect(svg, what).toContain('<svg');
        expect(svg, what).not.toMatch(/NaN|Infinity|undefined/);
        expect(body, what).not.toMatch(/<img\b|<script>alert|onerror=/);
      };
      for (const key of [...keys, 'preset']) {
        for (const v of HOSTILE_VALUES) check(`?${new URLSearchParams([[key, v]])}`, `${key}=${JSON.stringify(v.slice(0, 30))}`);
        check(`?${key}=1&${key}=NaN&${key}=%3Cb%3E`, `${key} repeated`);
      }
      check('?__proto__=1&constructor=2&prototype=3&hasOwnProperty=4', 'prototype keys');
      check(`?${keys.map((k) => `${k}=NaN`).join('&')}`, 'every key NaN at once');
      expect('polluted' in Object.prototype).toBe(false);
    });
  }
});
