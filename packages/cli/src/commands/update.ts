import { extractNdp } from "@nd/ndp";
import type { Command } from "commander";
import { failure } from "../errors.js";
import type { CliIo } from "../io.js";
import { placePackageFile } from "../package-file-install.js";
import { packageCommand } from "./package-command.js";

export function updateCommand(io: CliIo): Command {
  const spec = {
    name: "update",
    summary: "replace an installed plugin with a .ndp package; on any failure the old version stays",
    example: "nd plugin update ./my-plugin-1.1.0.ndp",
  };
  return packageCommand(io, spec, async ({ context, path, name, version, generation, installed, status }, file) => {
    if (!installed) throw failure(`plugin "${name}" is not installed in ${context.folder}; use nd plugin install ${file}`);
    if ((installed.generation === 2 && installed.isPackage) !== (generation === 2)) {
      throw failure(`plugin "${name}" is installed as ${installed.path}; a generation-${generation} package cannot replace it: remove it first`);
    }
    status.step("replacing");
    if (generation === 2) await placePackageFile(path, installed.path, true);
    // extractNdp verifies again, stages next to the target and swaps only when complete.
    else await extractNdp(path, installed.path, { replace: true });
    const from = installed.manifest ? ` (was ${installed.manifest.version})` : "";
    return `updated ${name} to ${version}${from}`;
  });
}
