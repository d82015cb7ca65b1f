/**
 * How the operator's CLI finds an MSP or a client from what was typed (`--msp northwind`): by id; else by the
 * whole name, ignoring case; else by the start of a name, when only one name starts that way. Anything else is a
 * NameMatchError that lists what was meant (a name holding the text, or one a typo or two away from it).
 */

export interface Named {
  id: string;
  name: string;
}

export class NameMatchError extends Error {}

const MAX_SUGGESTIONS = 5;

/** Levenshtein distance, for "did you mean" (names are short; the quadratic table is fine). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

const fold = (text: string) => text.trim().toLocaleLowerCase('en');

/** Names close to what was typed: those that contain it, then those a few edits away, nearest first. */
function suggestions<T extends Named>(candidates: readonly T[], typed: string): T[] {
  const scored = candidates.flatMap((candidate) => {
    const name = fold(candidate.name);
    if (name.includes(typed)) return [{ candidate, score: 0 }];
    // Compare with the name and with its start of the same length ("nortwind" ~ "Northwind IT").
    const distance = Math.min(editDistance(typed, name), editDistance(typed, name.slice(0, typed.length)));
    return distance <= Math.max(1, Math.floor(typed.length / 4)) ? [{ candidate, score: distance }] : [];
  });
  return scored
    .sort((a, b) => a.score - b.score || a.candidate.name.localeCompare(b.candidate.name))
    .slice(0, MAX_SUGGESTIONS)
    .map(({ candidate }) => candidate);
}

/**
 * The one candidate `typed` names. `noun` and `hint` make the messages: "No MSP matches 'northwind'. Did you
 * mean: Northwind IT?"; `describe` tells apart candidates with the same name (a client's MSP).
 */
export function matchByName<T extends Named>(
  candidates: readonly T[],
  typed: string,
  options: {
    noun: string;
    /** What to do when several match, e.g. "Give more of the name or the id." */
    hint: string;
    /** Where to see them all, when nothing is near, e.g. "List them with `vcio-planner msp list`." */
    listHint: string;
    describe?: (candidate: T) => string;
  },
): T {
  const describe = options.describe ?? ((candidate: T) => candidate.name);
  const list = (found: readonly T[]) =>
    found
      .map(describe)
      .sort((a, b) => a.localeCompare(b))
      .join(', ');
  const byId = candidates.filter((candidate) => candidate.id.toLowerCase() === typed.trim().toLowerCase());
  if (byId.length === 1) return byId[0]!;
  const wanted = fold(typed);
  if (wanted === '') throw new NameMatchError(`Give the ${options.noun}'s name or id`);
  for (const test of [(name: string) => name === wanted, (name: string) => name.startsWith(wanted)]) {
    const found = candidates.filter((candidate) => test(fold(candidate.name)));
    if (found.length === 1) return found[0]!;
    if (found.length > 1) {
      throw new NameMatchError(
        `${found.length} ${options.noun}s match '${typed}': ${list(found)}. ${options.hint}`,
      );
    }
  }
  const near = suggestions(candidates, wanted);
  throw new NameMatchError(
    `No ${options.noun} matches '${typed}'.` +
      (near.length > 0 ? ` Did you mean: ${list(near)}?` : ` ${options.listHint}`),
  );
}
