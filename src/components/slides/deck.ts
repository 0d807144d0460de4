/**
 * The deck's one script (src/pages/slides/[slug].astro): starts reveal.js on the chapter's slides.
 * Bundled by Vite into the deck pages only.
 *
 * - `#/3` opens the fourth slide (0-based), `#fig-x` the slide that holds `fig-x`; widget state
 *   comes from `?<id>.<param>=…` as on the chapter page (the widgets read it when they hydrate,
 *   which is when their slide is shown).
 * - `?print-pdf` is reveal's print view (one page per slide). The widgets there stay the static
 *   figure rendered at build time: their islands are unwrapped before anything can hydrate them.
 * - A slide taller than the 16:9 frame scrolls (deck.css); it is then a keyboard-reachable region.
 */
import Reveal from 'reveal.js';
import RevealNotes from 'reveal.js/plugin/notes';

/** The deck's frame: 16:9, scaled by reveal to the window. */
export const DECK_WIDTH = 1600;
export const DECK_HEIGHT = 900;

/** Replaces every island with a copy of its server-rendered figure, so it never hydrates. */
function freezeIslands(root: ParentNode) {
  for (const island of [...root.querySelectorAll('astro-island')]) {
    const frag = document.createDocumentFragment();
    for (const child of [...island.childNodes]) {
      if (child instanceof HTMLTemplateElement) continue;
      frag.append(child.cloneNode(true));
    }
    island.replaceWith(frag);
  }
}

/** Slides whose content is taller than the frame scroll: give those a tab stop and a name (axe scrollable-region-focusable). */
function markScrollRegions(slides: HTMLElement[]) {
  const tall = slides.map((s) => s.scrollHeight > s.clientHeight + 1);
  slides.forEach((s, i) => {
    if (tall[i]) {
      s.tabIndex = 0;
      s.setAttribute('role', 'region');
      s.setAttribute('aria-label', `Slide ${i + 1} (scrolls)`);
      s.dataset.scrolls = '';
    } else if (s.dataset.scrolls !== undefined) {
      s.removeAttribute('tabindex');
      s.removeAttribute('role');
      s.removeAttribute('aria-label');
      delete s.dataset.scrolls;
    }
  });
}

export function startDeck() {
  const el = document.querySelector<HTMLElement>('.reveal');
  if (!el) return;
  const print = /print-pdf/i.test(location.search);
  if (print) freezeIslands(el);
  const deck = new Reveal(el, {
    width: DECK_WIDTH,
    height: DECK_HEIGHT,
    margin: 0.04,
    minScale: 0.2,
    maxScale: 2,
    center: false,
    hash: true,
    controls: true,
    progress: true,
    slideNumber: false, // reveal's number is a link to #/n (not an id): the progress bar shows where we are
    transition: 'slide',
    // One PDF page per slide: a tall slide is cut at the frame, as on screen it scrolls.
    pdfMaxPagesPerSlide: 1,
    pdfSeparateFragments: false,
    plugins: [RevealNotes],
  });
  const slides = () => [...el.querySelectorAll<HTMLElement>('.slides > section')];
  deck.initialize().then(() => {
    const all = slides();
    markScrollRegions(all);
    deck.on('slidechanged', () => markScrollRegions(all));
    deck.on('resize', () => markScrollRegions(all));
    document.documentElement.dataset.deck = 'ready';
  });
  deck.on('pdf-ready', () => {
    document.documentElement.dataset.deck = 'pdf-ready';
  });
  (window as unknown as { infiniteWidthDeck?: unknown }).infiniteWidthDeck = deck;
}
