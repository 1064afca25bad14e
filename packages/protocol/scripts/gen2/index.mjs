// Generation 2's code generation: proto/gen2/*.schema.json → TypeScript types
// (src/gen2/gen/shapes.ts) and the generated part of the AssemblyScript SDK
// (assembly/gen2/gen/). Run by scripts/codegen.mjs, or alone: `node scripts/gen2/index.mjs`.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateAssemblyScript } from "./assemblyscript.mjs";
import { loadGen2Schemas } from "./schemas.mjs";
import { generateTypeScript } from "./typescript.mjs";

export function generateGen2(packageDir, protoDir) {
  const model = loadGen2Schemas(join(protoDir, "gen2"));
  generateTypeScript(model, join(packageDir, "src", "gen2", "gen", "shapes.ts"));
  generateAssemblyScript(model, join(packageDir, "assembly", "gen2", "gen"));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const packageDir = join(fileURLToPath(import.meta.url), "..", "..", "..");
  generateGen2(packageDir, join(packageDir, "..", "..", "proto"));
}
