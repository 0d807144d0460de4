/**
 * What each widget instance shows, as plain numbers, for tests and tools:
 * `window.infiniteWidth.readout(id)` returns a JSON-serialisable object (its fields are listed in
 * the widget's README), or null while the widget has not hydrated. `readouts()` lists the ids.
 *
 * The page-wide `window.infiniteWidth` object is shared with the compute module (which adds
 * `compute` and `liveTensors`); each side adds its own keys and keeps the other's.
 */
export type Readout = Record<string, unknown>;

interface Debug {
  readout?: (id: string) => Readout | null;
  readouts?: () => string[];
  [key: string]: unknown;
}

const sources = new Map<string, () => Readout>();

/** JSON-safe copy: non-finite numbers become null, typed arrays plain arrays. */
function plain(value: Readout): Readout | null {
  try {
    return JSON.parse(JSON.stringify(value, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v))) as Readout;
  } catch {
    return null;
  }
}

/** The page's debug object, created on first use (in the browser only). */
export function debugObject(): Debug | null {
  if (typeof window === 'undefined') return null;
  const w = window as unknown as { infiniteWidth?: Debug };
  w.infiniteWidth ??= {};
  return w.infiniteWidth;
}

/** Publishes `read` as the readout of widget `id`; returns the function that withdraws it. */
export function publishReadout(id: string, read: () => Readout): () => void {
  const debug = debugObject();
  if (!debug) return () => {};
  sources.set(id, read);
  debug.readout = (which: string) => {
    const r = sources.get(String(which));
    return r ? plain(r()) : null;
  };
  debug.readouts = () => [...sources.keys()];
  return () => {
    if (sources.get(id) === read) sources.delete(id);
  };
}
