/**
 * A widget's registry entry: what the build, the catalog, the embed route and the lessons need to
 * know about it. Each widget folder's index.ts exports one (plain data, importable in Node: the
 * Markdown pipeline reads it at build time); widgets/registry.ts lists them.
 */
import { checkSchema, type ParamTable, type WidgetSchema } from './params.ts';

export interface WidgetEntry<T extends ParamTable = ParamTable> {
  /** The MDX tag, PascalCase; the view is `widgets/<slug>/<name>.svelte`. */
  name: string;
  /** The URL segment of its embed route and catalog anchor, kebab-case. */
  slug: string;
  /** The display title (catalog, embed page). */
  title: string;
  /** One line for the catalog. */
  summary: string;
  schema: WidgetSchema<T>;
  /** Whether it loads the tfjs compute module (pages without such widgets download no tfjs). */
  usesTensors: boolean;
  /** Suggested iframe height for slides, in CSS pixels. */
  embedHeight: number;
}

/** Checks an entry (names, schema, presets) and returns it; throws naming the widget on a problem. */
export function defineWidget<T extends ParamTable>(entry: WidgetEntry<T>): WidgetEntry {
  const where = `widgets/${entry.slug}/index.ts`;
  if (!/^[A-Z][A-Za-z0-9]*$/.test(entry.name)) throw new Error(`${where}: widget name "${entry.name}" must be PascalCase`);
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(entry.slug)) throw new Error(`${where}: widget slug "${entry.slug}" must be kebab-case`);
  if (!entry.title.trim()) throw new Error(`${where}: widget "${entry.name}" needs a title`);
  const problems = checkSchema(entry.name, entry.schema);
  if (problems.length) throw new Error(`${where}: ${problems.join('; ')}`);
  return entry;
}
