import { join } from "node:path";
import { pluginFolderName } from "@nd/manifest";
import { extractNdp } from "@nd/ndp";
import type { Command } from "commander";
import { failure } from "../errors.js";
import type { CliIo } from "../io.js";
import { packageFileName } from "../package-check.js";
import { placePackageFile } from "../package-file-install.js";
import { ensurePluginsFolder } from "../plugins-folder.js";
import { packageCommand } from "./package-command.js";

export function installCommand(io: CliIo): Command {
  const spec = {
    name: "install",
    summary: "verify a .ndp package and install it: generation 1 in <folder>/<a safe folder name from its name>, generation 2 as <folder>/<id>.ndp",
    example: "nd plugin install ./my-plugin-1.0.0.ndp",
  };
  return packageCommand(io, spec, async ({ context, path, name, version, generation, installed, status }, file) => {
    if (installed) throw failure(`plugin "${name}" is already installed in ${installed.path}; use nd plugin update ${file}`);
    status.step("installing");
    await ensurePluginsFolder(context.folder);
    if (generation === 2) {
      const target = join(context.folder, packageFileName(name));
      await placePackageFile(path, target, false);
      return `installed ${name} ${version} (generation 2) as ${target}`;
    }
    const target = join(context.folder, pluginFolderName(name));
    await extractNdp(path, target);
    return `installed ${name} ${version} in ${target}`;
  });
}
