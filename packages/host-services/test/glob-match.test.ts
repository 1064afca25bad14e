import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { globMatches, type StepCounter } from "../src/network/glob-match.js";
import { compileHostPattern } from "../src/network/host-pattern.js";

// The meaning globMatches must keep, written the slow and obvious way (only for short inputs).
function reference(glob: string, text: string, nonEmptyStars: boolean): boolean {
  const star = nonEmptyStars ? ".+" : ".*";
  return new RegExp(`^${glob.split("*").join(star)}$`, "s").test(text);
}

const glob = fc.stringMatching(/^[ab*]{0,8}$/);
const text = fc.stringMatching(/^[ab]{0,12}$/);

describe("globMatches", () => {
  test("agrees with the obvious reading on every short glob and text", () => {
    fc.assert(
      fc.property(glob, text, fc.boolean(), (pattern, candidate, nonEmptyStars) => {
        expect(globMatches(pattern, candidate, { nonEmptyStars })).toBe(reference(pattern, candidate, nonEmptyStars));
      }),
      { numRuns: 2000 },
    );
  });

  test("its steps stay within a constant times the lengths, whatever the glob", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ab*]{0,40}$/), fc.stringMatching(/^[ab]{0,400}$/), fc.boolean(), (pattern, candidate, nonEmptyStars) => {
        const counter: StepCounter = { steps: 0 };
        globMatches(pattern, candidate, { nonEmptyStars, counter });
        expect(counter.steps).toBeLessThanOrEqual(3 * (pattern.length + candidate.length));
      }),
      { numRuns: 500 },
    );
  });
});

// Navidrome's reading of a host pattern, as a regular expression (fine for short inputs only).
function hostReference(pattern: string, host: string): boolean {
  if (pattern === "*") return true;
  const isIp = /^[\d.*]+$/.test(pattern) && /\d/.test(pattern);
  const parts = pattern.split("*").map((part) => part.replace(/\./g, "\\."));
  return new RegExp(`^${parts.join(isIp ? "[0-9.]+" : "[^.]+")}$`).test(host);
}

describe("compileHostPattern", () => {
  test("agrees with the regular-expression reading on every short pattern and host", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a1.*]{1,8}$/), fc.stringMatching(/^[a1.]{0,10}$/), (pattern, host) => {
        expect(compileHostPattern(pattern)(host)).toBe(hostReference(pattern, host));
      }),
      { numRuns: 5000 },
    );
  });
});
