// Fails when generated code differs from what is committed: someone changed
// proto/ or a generator without running `pnpm codegen` and committing the result.
import { execFileSync } from "node:child_process";

const generated = [
  "packages/protocol/src/gen",
  "packages/protocol/src/gen2/gen",
  "packages/protocol/assembly/gen",
  "packages/protocol/assembly/gen2/gen",
  "packages/protocol/go/gen",
  "packages/manifest/src/gen",
];

const status = execFileSync("git", ["status", "--porcelain", "--", ...generated], {
  encoding: "utf8",
});
if (status.trim() !== "") {
  console.error("Generated code is stale or uncommitted; run `pnpm codegen` and commit:\n" + status);
  process.exit(1);
}
console.log("generated code is up to date");
