import { readNdp, type NdpPackage } from "@nd/ndp";
import { failure } from "./errors.js";
import { checkPluginModule } from "@nd/runtime";
import { checkPluginName } from "./plugins-folder.js";

/** Reads a package and refuses it unless its name is a safe folder name and its module would link. */
export async function verifiedPackage(file: string): Promise<NdpPackage> {
  const ndp = await readNdp(file);
  checkPluginName(ndp.manifest.name);
  const problems = await checkPluginModule(ndp.wasm, ndp.manifest);
  if (problems.length > 0) throw failure(`${file}: plugin "${ndp.manifest.name}" would not load: ${problems.join("; ")}`);
  return ndp;
}
