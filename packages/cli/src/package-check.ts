import { readNdp, type NdpPackage } from "@nd/ndp";
import { failure } from "./errors.js";
import { checkPluginModule } from "@nd/runtime";

/** Reads a package and refuses it unless its module would link. */
export async function verifiedPackage(file: string): Promise<NdpPackage> {
  const ndp = await readNdp(file);
  const problems = await checkPluginModule(ndp.wasm, ndp.manifest);
  if (problems.length > 0) throw failure(`${file}: plugin "${ndp.manifest.name}" would not load: ${problems.join("; ")}`);
  return ndp;
}
