import { manifestV2File } from "./gen2-manifest.js";
import { assemblyScriptBuild, assemblyScriptProjectFiles, type TemplateFile, type TemplateOptions } from "./templates.js";

// Navidrome provides no env.abort: with this, a failed assertion becomes the call's error.
const ABORT_AS_CALL_ERROR = "abort=~lib/@nd/protocol/assembly/gen2/abort/abortCall";

/**
 * A generation-2 (Extism, JSON) MetadataAgent in AssemblyScript, on @nd/protocol's generation-2
 * SDK: it runs in Navidrome v0.60+ and in nd alike. Its ID is its folder's name (or its .ndp file's).
 */
export function assemblyScriptGen2Template({ name, id, protocol }: TemplateOptions & { id: string }): TemplateFile[] {
  const plugin = `// ${name} is a generation-2 nd and Navidrome plugin: a MetadataAgent answering artist biographies.
import { ArtistBiographyResponse, ArtistRequest, MetadataAgent, Result, registerMetadataAgent } from "@nd/protocol/assembly/gen2";

// Exports every nd_* function of MetadataAgent; those the class below does not override answer -2 (not implemented).
export * from "@nd/protocol/assembly/gen2/exports/metadata_agent";

class Agent extends MetadataAgent {
  getArtistBiography(request: ArtistRequest): Result<ArtistBiographyResponse> {
    // An empty biography means "not found": the host asks the next agent.
    if (request.name == "") return Result.ok(new ArtistBiographyResponse(""));
    return Result.ok(new ArtistBiographyResponse(${JSON.stringify(`${name} says hello to `)} + request.name));
  }
}

registerMetadataAgent(new Agent());
`;
  const { build, note } = assemblyScriptBuild(name, protocol);
  const readme = `# ${name}

A generation-2 plugin (the Extism ABI with JSON, Navidrome v0.60 and later) written in
AssemblyScript with @nd/protocol's generation-2 SDK (\`@nd/protocol/assembly/gen2\`). It exports
the \`nd_*\` functions of \`MetadataAgent\`, so the host detects that capability, and answers
\`nd_get_artist_biography\`. Its plugin ID is the name of its folder (\`${id}\`) or of its \`.ndp\` file.

## Build, try, package

Run these in this folder:

\`\`\`sh
${build}
nd plugin dev .
nd plugin call ${id} --export nd_get_artist_biography '{"id":"1","name":"Nina Simone"}'
nd plugin pack .                    # writes ${id}-0.1.0.ndp; Navidrome reads it from its plugins folder
\`\`\`
${note}`;
  return [
    manifestV2File(name, "AssemblyScript"),
    ...assemblyScriptProjectFiles(name, protocol, [ABORT_AS_CALL_ERROR]),
    { path: "assembly/plugin.ts", text: plugin },
    { path: "README.md", text: readme },
  ];
}
