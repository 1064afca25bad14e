#!/usr/bin/env node
// A Go example's `test` script: `go test ./...` in the current folder. Without go on PATH it
// prints one line saying what it skipped and exits 0, unless ND_REQUIRE_GO=1 (set by CI),
// where a skipped Go test is a failure.
import { spawnSync } from "node:child_process";
import { basename } from "node:path";

const where = `examples/${basename(process.cwd())}`;
if (spawnSync("go", ["version"], { stdio: "ignore" }).status !== 0) {
  if (process.env.ND_REQUIRE_GO === "1") {
    console.error(`go-test: go is not on PATH, and ND_REQUIRE_GO=1 requires ${where}'s go test to run; install Go 1.24 or newer`);
    process.exit(1);
  }
  console.log(`go-test: skipped ${where}: go is not on PATH (its go test runs with Go 1.24 or newer)`);
  process.exit(0);
}
const result = spawnSync("go", ["test", "./..."], { stdio: "inherit" });
process.exit(result.status ?? 1);
