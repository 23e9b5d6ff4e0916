/**
 * The known name closest to a misspelt one, if it is close enough to be a plausible typo.
 *
 * @example
 * didYouMean('maxTradeUSD', ['maxTradeUsd', 'cooldownSeconds']); // 'maxTradeUsd'
 * didYouMean('banana', ['trend', 'dca']); // undefined
 */
export function didYouMean(input: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(input.toLowerCase(), name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  // A third of the word, at least two edits: catches typos and case slips, not unrelated words.
  return best && best.distance <= Math.max(2, Math.floor(input.length / 3)) ? best.name : undefined;
}

/** Levenshtein distance, two rows at a time (names are short). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
