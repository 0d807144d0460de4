/**
 * The one channel for warnings: problems that do not stop the build but that an author wants to
 * hear about. Each warning has a code from the catalogue (./catalogue.ts) and is printed once per
 * distinct text, to stderr, as
 *
 *   warning [frontmatter/draft-prerequisite] content/chapters/02-x.mdx:9: Prerequisite "y" is a draft …
 *     hint: …
 *     docs: CONTRIBUTING.md#frontmatter
 *
 * and counted; `buildWarnings()` (an Astro integration) prints the count when the build is done.
 * The state lives on globalThis, so the copies of this module that Astro loads (the config, the
 * bundled pages) share one list. Tests read it with warnings() and clear it with resetWarnings().
 */
import type { AstroIntegration } from 'astro';
import { catalogue, render, type ArgsOf, type Code, type WarningCode } from './catalogue.ts';
import { formatReport } from './index.ts';
import type { SourceLocation } from './location.ts';

export interface Warning {
  code: WarningCode;
  message: string;
  location?: SourceLocation;
  /** The whole text as printed. */
  text: string;
  /** How many times it was reported (it is printed only the first time). */
  count: number;
}

/** What starts a printed warning (the fixture tests look for it). */
export const WARNING_PREFIX = 'warning ';

interface State {
  seen: Map<string, Warning>;
}
const KEY = Symbol.for('infinite-width.warnings');

function state(): State {
  const g = globalThis as typeof globalThis & { [KEY]?: State };
  return (g[KEY] ??= { seen: new Map() });
}

/** Reports a warning: printed (console.warn) the first time its text comes up, counted every time. */
export function warn<C extends WarningCode>(code: C, args: ArgsOf<C>, location?: SourceLocation): Warning {
  if (catalogue[code]?.severity !== 'warning') throw new Error(`"${code}" is not a warning in the catalogue (src/errors/catalogue.ts): errors are thrown with bookError().`);
  const r = render(code as Code, args as ArgsOf<Code>);
  const text = formatReport({ ...r, location }, WARNING_PREFIX);
  const seen = state().seen;
  const known = seen.get(text);
  if (known) {
    known.count++;
    return known;
  }
  const w: Warning = { code, message: r.message, location, text, count: 1 };
  seen.set(text, w);
  console.warn(text);
  return w;
}

/** The distinct warnings reported so far, in order. */
export function warnings(): Warning[] {
  return [...state().seen.values()];
}

/** How many distinct warnings were reported (and printed). */
export function warningCount(): number {
  return state().seen.size;
}

/** Forgets every warning (tests; a new build). */
export function resetWarnings(): void {
  state().seen.clear();
}

/** `2 warnings (printed above as "warning [code] …")`, or '' when there were none. */
export function warningSummary(n = warningCount()): string {
  return n === 0 ? '' : `${n} warning${n === 1 ? '' : 's'} (printed above as "${WARNING_PREFIX}[code] …")`;
}

/** Astro integration: at the end of `astro build`, says how many warnings the build printed. */
export function buildWarnings(): AstroIntegration {
  return {
    name: 'infinite-width:warnings',
    hooks: {
      'astro:build:done': ({ logger }) => {
        const summary = warningSummary();
        if (summary) logger.warn(summary);
      },
    },
  };
}
