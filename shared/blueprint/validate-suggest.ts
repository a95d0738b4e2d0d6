/**
 * "Did you mean" suggestions for misspelt keys, fields, models and ids.
 */

/** Computes the Levenshtein edit distance between two strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);

  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const deletion = (previous[j] ?? 0) + 1;
      const insertion = (current[j - 1] ?? 0) + 1;
      const substitution = (previous[j - 1] ?? 0) + cost;
      current.push(Math.min(deletion, insertion, substitution));
    }
    previous = current;
  }

  return previous[b.length] ?? 0;
}

/**
 * Returns the candidate closest to `name`, or undefined when none is close enough to be a
 * plausible typo: at most a third of the longer name may differ (at least 2 edits allowed).
 * For dotted model names a candidate with the same part after the dot also counts as close.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;

  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }

  if (best === undefined) {
    return undefined;
  }

  const allowed = Math.max(2, Math.floor(Math.max(lower.length, best.length) / 3));
  if (bestDistance <= allowed) {
    return best;
  }

  return closestByModelName(lower, candidates);
}

function closestByModelName(lower: string, candidates: Iterable<string>): string | undefined {
  const modelName = lower.split('.')[1];
  if (modelName === undefined || modelName === '') {
    return undefined;
  }

  for (const candidate of candidates) {
    if (candidate.toLowerCase().split('.')[1] === modelName) {
      return candidate;
    }
  }

  return undefined;
}

/** Formats a suggestion as a sentence tail, or an empty string when there is none. */
export function didYouMean(suggestion: string | undefined): string {
  return suggestion === undefined ? '' : ` Did you mean \`${suggestion}\`?`;
}
