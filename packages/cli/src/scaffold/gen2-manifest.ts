import type { TemplateFile } from "./templates.js";

/** A generation-2 manifest: capabilities are read from the exports, so none are declared. */
export function scaffoldManifestV2(name: string, language: string) {
  return { name, author: "you", version: "0.1.0", description: `${name}: a generation-2 MetadataAgent written in ${language}`, permissions: {} };
}

export function manifestV2File(name: string, language: string): TemplateFile {
  return { path: "manifest.json", text: `${JSON.stringify(scaffoldManifestV2(name, language), null, 2)}\n` };
}
