#!/usr/bin/env node
import { basename, join, resolve } from "node:path";
import { readAnyNdp, type AnyNdpPackage } from "./read.js";
import { writeNdp } from "./write.js";

const USAGE = `usage: ndp pack <plugin-folder> [out.ndp]   write a package (default <folder>/<name>.ndp)
       ndp verify <file.ndp>                    check a package and print its name, generation and sha256

For build scripts. To install, inspect or call plugins, use the nd command (@nd/cli).`;

function summary(pkg: AnyNdpPackage): string {
  return `${pkg.manifest.name} ${pkg.manifest.version}, generation ${pkg.generation}, wasm sha256 ${pkg.wasmSha256}`;
}

async function main(args: string[]): Promise<number> {
  const [command, target, out] = args;
  if (command === "pack" && target) {
    const folder = resolve(target);
    const outFile = resolve(out ?? join(folder, `${basename(folder)}.ndp`));
    console.log(`${outFile}: ${summary(await readAnyNdp(await writeNdp(folder, outFile)))}`);
    return 0;
  }
  if (command === "verify" && target) {
    console.log(`${target}: ${summary(await readAnyNdp(resolve(target)))}`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`ndp: ${error.message}`);
    process.exit(1);
  },
);
