/** Counts the steps a match takes, so a test can bound the work on hostile patterns without timing it. */
export interface StepCounter {
  steps: number;
}

export interface GlobOptions {
  /** Each `*` stands for at least one character (a DNS label or an IP run) rather than any run. */
  readonly nonEmptyStars?: boolean;
  readonly counter?: StepCounter;
}

/**
 * Whether `text` matches `glob`, where `*` stands for a run of characters. Linear in the lengths of
 * both, with no backtracking: the parts between stars are found left to right, each at its first
 * place after the previous one (the leftmost placement leaves the most room for what follows, so it
 * is never wrong), the last part must end the text. A regular expression built from a hostile
 * manifest's many stars could instead backtrack for ages on the host's thread.
 */
export function globMatches(glob: string, text: string, options: GlobOptions = {}): boolean {
  const counter = options.counter ?? { steps: 0 };
  const parts = glob.split("*");
  const first = parts[0]!;
  if (parts.length === 1) return equalAt(text, 0, glob, counter) && text.length === glob.length;
  const last = parts[parts.length - 1]!;
  const gap = options.nonEmptyStars ? 1 : 0;
  const suffixStart = text.length - last.length;
  if (suffixStart < first.length || !equalAt(text, 0, first, counter)) return false;
  let position = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = indexOf(text, part, position + gap, suffixStart, counter);
    if (found < 0) return false;
    position = found + part.length;
  }
  return suffixStart - position >= gap && equalAt(text, suffixStart, last, counter);
}

function equalAt(text: string, start: number, part: string, counter: StepCounter): boolean {
  if (start + part.length > text.length) return false;
  for (let index = 0; index < part.length; index++) {
    counter.steps++;
    if (text[start + index] !== part[index]) return false;
  }
  return true;
}

/** First index of `part` in `text[from, end)`, or -1: Knuth-Morris-Pratt, linear in both lengths. */
function indexOf(text: string, part: string, from: number, end: number, counter: StepCounter): number {
  if (part.length === 0) return from <= end ? from : -1;
  const fallback = failureTable(part, counter);
  let matched = 0;
  for (let index = from; index < end; index++) {
    counter.steps++;
    while (matched > 0 && text[index] !== part[matched]) {
      counter.steps++;
      matched = fallback[matched - 1]!;
    }
    if (text[index] === part[matched]) matched++;
    if (matched === part.length) return index - part.length + 1;
  }
  return -1;
}

/** For each prefix of `part`, the length of its longest proper prefix that is also its suffix. */
function failureTable(part: string, counter: StepCounter): number[] {
  const table = new Array<number>(part.length).fill(0);
  let length = 0;
  for (let index = 1; index < part.length; index++) {
    counter.steps++;
    while (length > 0 && part[index] !== part[length]) {
      counter.steps++;
      length = table[length - 1]!;
    }
    if (part[index] === part[length]) length++;
    table[index] = length;
  }
  return table;
}
