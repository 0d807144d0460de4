/**
 * A widget instance's parameter state: validated values, notices about refused input, and the
 * two-way link with the page URL (`?<id>.<param>=…` on a chapter, `?<param>=…` on an embed page),
 * StateLink events and the Share button. Pure Svelte runes; no widget-specific code.
 */
import { applyInput, defaults, hasOwnKeys, matchingPreset, presetValues, readState, writeQuery, type Notice, type ParamTable, type Values, type WidgetSchema } from './params.ts';

import { SET_STATE_EVENT } from './events.ts';

export { SET_STATE_EVENT };

/** The props every widget view takes (Island.astro passes them). */
export interface WidgetProps<T extends ParamTable> {
  /** The instance id: its permalink and URL-state prefix. */
  id: string;
  /** The validated initial state (MDX props or an embed's defaults). */
  initial?: Partial<Values<T>>;
  /** Chromeless embed: URL keys without the id prefix. */
  embed?: boolean;
}

export class WidgetState<T extends ParamTable> {
  values: Values<T> = $state() as Values<T>;
  notices: Notice[] = $state([]);
  readonly schema: WidgetSchema<T>;
  readonly id: string;
  readonly embed: boolean;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(schema: WidgetSchema<T>, id: string, initial: Partial<Values<T>> | undefined, embed: boolean) {
    this.schema = schema;
    this.id = id;
    this.embed = embed;
    const { values, notices } = applyInput(schema, defaults(schema.params), Object.entries(initial ?? {}));
    this.values = values;
    this.notices = notices;
  }

  /** The preset whose values are exactly the current ones, if any. */
  get activePreset(): string | undefined {
    return matchingPreset(this.schema, this.values);
  }

  get prefix(): string {
    return this.embed ? '' : `${this.id}.`;
  }

  /**
   * Sets untrusted values (typed input, StateLink, presets); refused parts become notices. A
   * `preset` key starts from that preset.
   */
  set(input: Record<string, unknown>, { persist = true } = {}): void {
    const { values, notices } = applyInput(this.schema, this.values, Object.entries(input));
    this.values = values;
    this.notices = notices;
    if (persist) this.persist();
  }

  /** One control's change: sets `key` and resets the parameters its spec `clears`. */
  setFromControl(key: string, raw: unknown): void {
    const spec = this.schema.params[key];
    const reset = Object.fromEntries((spec?.clears ?? []).map((k) => [k, this.schema.params[k].default]));
    this.set({ ...reset, [key]: raw });
  }

  preset(name: string): void {
    if (!presetValues(this.schema, name)) {
      this.notices = [{ param: 'preset', message: `There is no preset called "${name}".` }];
      return;
    }
    this.set({ preset: name });
  }

  reset(): void {
    this.values = defaults(this.schema.params);
    this.notices = [];
    this.persist();
  }

  /** Reads the URL once (on hydration) and listens for StateLink events on `element`. */
  connect(element: HTMLElement | undefined): () => void {
    if (typeof window === 'undefined') return () => {};
    if (hasOwnKeys(location.search, this.prefix)) {
      const { values, notices } = readState(this.schema, location.search, this.prefix);
      this.values = values;
      this.notices = notices;
    }
    const onSet = (e: Event) => {
      const detail = (e as CustomEvent).detail as { values?: unknown } | undefined;
      const input = detail && typeof detail.values === 'object' && detail.values !== null ? (detail.values as Record<string, unknown>) : {};
      this.set(input);
    };
    element?.addEventListener(SET_STATE_EVENT, onSet);
    return () => {
      element?.removeEventListener(SET_STATE_EVENT, onSet);
      clearTimeout(this.#timer);
    };
  }

  /** The page URL with this widget's state, for Share. */
  shareUrl(): string {
    if (typeof window === 'undefined') return '';
    const url = new URL(location.href);
    url.search = writeQuery(this.schema.params, this.values, url.search, this.prefix);
    if (!this.embed) url.hash = this.id;
    return url.href;
  }

  /** Writes the state into the address bar (debounced; replaceState, so no history spam). */
  persist(): void {
    if (typeof window === 'undefined') return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      try {
        const url = new URL(location.href);
        url.search = writeQuery(this.schema.params, this.values, url.search, this.prefix);
        history.replaceState(history.state, '', url.href);
      } catch {
        /* sandboxed iframes may refuse replaceState: the state still lives in the widget */
      }
    }, 250);
  }
}
