/**
 * Whether `text` matches `glob`, where `*` stands for any run of characters. Iterative, with one
 * remembered star: O(glob × text) at worst, where a regular expression built from a hostile
 * manifest's many stars could backtrack for ages on the host's thread.
 */
export function globMatches(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let star = -1;
  let resumeAt = 0;
  while (t < text.length) {
    if (g < glob.length && glob[g] !== "*" && glob[g] === text[t]) {
      g++;
      t++;
    } else if (g < glob.length && glob[g] === "*") {
      star = g++;
      resumeAt = t;
    } else if (star >= 0) {
      g = star + 1;
      t = ++resumeAt;
    } else {
      return false;
    }
  }
  while (glob[g] === "*") g++;
  return g === glob.length;
}
