import { spawnSync } from "node:child_process";

/** Set by CI (.ci/run): a test that needs Go fails instead of being skipped. */
export const REQUIRE_GO_VARIABLE = "ND_REQUIRE_GO";

export type GoCompiler = "go" | "tinygo";

function isInstalled(command: GoCompiler): boolean {
  return spawnSync(command, ["version"], { stdio: "ignore" }).status === 0;
}

function installHint(compilers: readonly GoCompiler[]): string {
  return compilers.includes("tinygo") ? "Go 1.24 or newer, or TinyGo" : "Go 1.24 or newer";
}

function missingMessage(compilers: readonly GoCompiler[]): string {
  return compilers.length === 1 ? `${compilers[0]} is not on PATH` : `neither ${compilers.join(" nor ")} is on PATH`;
}

/**
 * Whether the tests described by `what` can run: true when one of `compilers` is on PATH.
 * Otherwise it prints one line saying what is skipped and why and returns false, or, with
 * ND_REQUIRE_GO=1 in the environment, throws so the skip cannot go unnoticed.
 */
export function goAvailableFor(what: string, compilers: readonly GoCompiler[] = ["tinygo", "go"]): boolean {
  if (compilers.some(isInstalled)) return true;
  const message = `skipped ${what}: ${missingMessage(compilers)}`;
  if (process.env[REQUIRE_GO_VARIABLE] === "1") {
    throw new Error(`${message}, and ${REQUIRE_GO_VARIABLE}=1 requires every Go test to run; install ${installHint(compilers)}`);
  }
  process.stderr.write(`${message} (they run with ${installHint(compilers)})\n`);
  return false;
}
