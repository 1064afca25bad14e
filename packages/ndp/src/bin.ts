#!/usr/bin/env node
import { basename, join, resolve } from "node:path";
import { readNdp } from "./read.js";
import { writeNdp } from "./write.js";

const USAGE = `usage: ndp pack <plugin-folder> [out.ndp]   write a package (default <folder>/<name>.ndp)
       ndp verify <file.ndp>                    check a package and print its manifest name and sha256

For build scripts. To install, inspect or call plugins, use the nd command (@nd/cli).`;

async function main(args: string[]): Promise<number> {
  const [command, target, out] = args;
  if (command === "pack" && target) {
    const folder = resolve(target);
    const outFile = resolve(out ?? join(folder, `${basename(folder)}.ndp`));
    const pkg = await readNdp(await writeNdp(folder, outFile));
    console.log(`${outFile}: ${pkg.manifest.name} ${pkg.manifest.version}, wasm sha256 ${pkg.wasmSha256}`);
    return 0;
  }
  if (command === "verify" && target) {
    const pkg = await readNdp(resolve(target));
    console.log(`${target}: ${pkg.manifest.name} ${pkg.manifest.version}, wasm sha256 ${pkg.wasmSha256}`);
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
