/**
 * Every widget of the book — the only list. MDX lessons use a widget by its `name` without an
 * import (`<BetaBinomial id="fig-coin" heads={3} />`); the build checks its props against the
 * params table (src/markdown/remark-widgets.ts); the catalog (/widgets/) and embed routes
 * (/embed/<slug>/) are generated from it. Its Svelte view is wired in widgets/Island.astro.
 * Plain data, importable in Node (no Svelte): the Markdown pipeline reads it at build time.
 */
import { checkSchema, type WidgetSchema } from './core/params.ts';
import { schema as betaBinomial } from './beta-binomial/params.ts';
import { schema as sgdVariance } from './sgd-variance/params.ts';

export interface WidgetEntry {
  /** The MDX tag: PascalCase. */
  name: string;
  /** The URL segment of its embed route and catalog anchor. */
  slug: string;
  /** One line for the catalog. */
  summary: string;
  schema: WidgetSchema;
  /** Whether it loads the tfjs compute module (pages without such widgets download no tfjs). */
  usesTensors: boolean;
  /** Suggested iframe height for slides, in CSS pixels. */
  embedHeight: number;
}

function defineWidgets(list: WidgetEntry[]): readonly WidgetEntry[] {
  const names = new Set<string>();
  const slugs = new Set<string>();
  for (const w of list) {
    if (names.has(w.name)) throw new Error(`widgets/registry.ts: duplicate widget name "${w.name}"`);
    if (slugs.has(w.slug)) throw new Error(`widgets/registry.ts: duplicate widget slug "${w.slug}"`);
    if (!/^[A-Z][A-Za-z0-9]*$/.test(w.name)) throw new Error(`widgets/registry.ts: widget name "${w.name}" must be PascalCase`);
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(w.slug)) throw new Error(`widgets/registry.ts: widget slug "${w.slug}" must be kebab-case`);
    const problems = checkSchema(w.name, w.schema);
    if (problems.length) throw new Error(`widgets/registry.ts: ${problems.join('; ')}`);
    names.add(w.name);
    slugs.add(w.slug);
  }
  return Object.freeze(list);
}

export const widgets = defineWidgets([
  {
    name: 'BetaBinomial',
    slug: 'beta-binomial',
    summary: 'Prior, likelihood and posterior of a coin’s bias, with MLE, MAP, posterior mean and a credible interval.',
    schema: betaBinomial as unknown as WidgetSchema,
    usesTensors: false,
    embedHeight: 720,
  },
  {
    name: 'SgdVariance',
    slug: 'sgd-variance',
    summary: 'Thousands of SGD chains on a 1-D quadratic, against the exact mean, variance and stationary limit ε/(2−ε)·σ²/M.',
    schema: sgdVariance as unknown as WidgetSchema,
    usesTensors: true,
    embedHeight: 980,
  },
]);

export function widgetByName(name: string): WidgetEntry | undefined {
  return widgets.find((w) => w.name === name);
}

export function widgetBySlug(slug: string): WidgetEntry | undefined {
  return widgets.find((w) => w.slug === slug);
}
