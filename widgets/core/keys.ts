/**
 * The one keyboard filter for widget shortcuts (Space to play, → to step, H/T to add a flip…).
 * A shortcut fires only when the key is not meant for the element that has focus: never while
 * typing in a field, never on a control that uses the arrows itself (sliders, selects), never with
 * a modifier, and Space/Enter never on a button or link (those keys press it).
 */
const TYPING = new Set(['INPUT', 'SELECT', 'TEXTAREA']);
const PRESSABLE = new Set(['BUTTON', 'A', 'SUMMARY']);
const OWN_ARROWS = new Set(['slider', 'listbox', 'spinbutton', 'textbox', 'combobox', 'grid', 'radiogroup', 'tablist']);

export interface KeyLike {
  key: string;
  target: EventTarget | null;
  metaKey: boolean;
  ctrlKey: boolean;
  altKey: boolean;
}

export function isShortcut(e: KeyLike): boolean {
  if (e.metaKey || e.ctrlKey || e.altKey) return false;
  const t = e.target as (HTMLElement & { isContentEditable?: boolean }) | null;
  if (!t || typeof t !== 'object' || !('tagName' in t)) return true;
  const tag = String(t.tagName).toUpperCase();
  if (TYPING.has(tag) || t.isContentEditable) return false;
  const role = typeof t.getAttribute === 'function' ? t.getAttribute('role') : null;
  if (role && OWN_ARROWS.has(role)) return false;
  if ((e.key === ' ' || e.key === 'Enter') && PRESSABLE.has(tag)) return false;
  return true;
}

/** A widget's shortcuts: key (as KeyboardEvent.key; letters match either case) → action. */
export type Shortcuts = Record<string, () => void>;

/** Runs the shortcut for `e`, if any; returns whether it did (and then prevents the default). */
export function handleShortcut(e: KeyboardEvent, shortcuts: Shortcuts): boolean {
  if (!isShortcut(e)) return false;
  const action = shortcuts[e.key] ?? (e.key.length === 1 ? (shortcuts[e.key.toLowerCase()] ?? shortcuts[e.key.toUpperCase()]) : undefined);
  if (!action) return false;
  e.preventDefault();
  action();
  return true;
}
