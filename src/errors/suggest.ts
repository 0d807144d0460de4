/** "Did you mean …?": the edit distance, and the two ways the build picks a suggestion from it. */

/** Levenshtein distance: the fewest insertions, deletions and substitutions turning `a` into `b`. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The nearest candidate (the first one on ties), with its distance; undefined when there are none. */
function nearest(wanted: string, candidates: Iterable<string>): { candidate: string; distance: number } | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate);
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best;
}

/**
 * The closest candidate, if it is close enough to be a plausible typo: within a third of the
 * word's length (at least 2 edits). Used for labels and citation keys, which can be long.
 */
export function didYouMean(wanted: string, candidates: Iterable<string>): string | undefined {
  const best = nearest(wanted, candidates);
  if (!best) return undefined;
  return best.distance <= Math.max(2, Math.floor(wanted.length / 3)) ? best.candidate : undefined;
}

/** The candidate within `maxDistance` edits (3 unless told) of `word`, if any. Used for slugs and tag names. */
export function closest(word: string, candidates: Iterable<string>, maxDistance = 3): string | undefined {
  const best = nearest(word, candidates);
  return best && best.distance <= maxDistance ? best.candidate : undefined;
}
