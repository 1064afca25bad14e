import { pluginFolderName } from "@nd/manifest";
import type { ProtocolSource } from "./protocol-source.js";

/** A file of a new plugin: its path in the plugin folder and its text. */
export interface TemplateFile {
  readonly path: string;
  readonly text: string;
}

export interface TemplateOptions {
  readonly name: string;
  /** Where @nd/protocol and the Go SDK come from. */
  readonly protocol: ProtocolSource;
}

/** The manifest a new plugin starts with; `nd plugin new` validates it before writing anything. */
export function scaffoldManifest(name: string, language: string) {
  return {
    name,
    author: "you",
    version: "0.1.0",
    description: `${name}: a MetadataAgent written in ${language}`,
    capabilities: ["MetadataAgent"],
    permissions: {},
  };
}

function manifest(name: string, language: string): TemplateFile {
  return { path: "manifest.json", text: `${JSON.stringify(scaffoldManifest(name, language), null, 2)}\n` };
}

/** npm package names are lowercase and URL-safe; a plugin name may be neither. */
export function packageName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "") || "nd-plugin";
}

/** The name as one word of a shell command line. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9._-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/** A string literal of AssemblyScript or Go source (both read JSON's escapes). */
function codeString(text: string): string {
  return JSON.stringify(text);
}

/** `notes`: what the author should know about where the skeleton lives, after the commands. */
function readme(name: string, build: string, notes = ""): TemplateFile {
  const text = `# ${name}

An nd plugin. It implements \`MetadataAgent.GetArtistBiography\`; every other method answers
\`plugin:not_implemented\`.

## Build, try, package

Run these in this folder:

\`\`\`sh
${build}
nd plugin dev .                     # link this folder into the plugins folder (nd prints which)
nd plugin call ${shellWord(name)} MetadataAgent.GetArtistBiography '{"name":"Nina Simone"}'
nd plugin pack .                    # writes ${pluginFolderName(name)}-0.1.0.ndp
\`\`\`

\`nd\` comes from a checkout of nd: \`(cd packages/cli && npm link)\` there puts it on your PATH
(see the plugin authors guide, packages/protocol/README-authors.md in the checkout).
${notes}`;
  return { path: "README.md", text };
}

const WORKSPACE_NOTE = `
This plugin is part of the nd workspace: its install adds it to the repository's
pnpm-lock.yaml. Commit that change with the plugin, or create the plugin outside the
repository to leave the lockfile alone.
`;

const REGISTRY_NOTE = `
\`npm install\` takes the AssemblyScript compiler from the npm registry. Offline it works only
when npm's cache already holds \`assemblyscript\` (from an earlier install on this machine).
`;

/** How an AssemblyScript plugin's README says to install and build it, and what to know about that. */
export function assemblyScriptBuild(name: string, protocol: ProtocolSource): { build: string; note: string } {
  const inWorkspace = protocol.dependency.startsWith("workspace:");
  if (!inWorkspace) {
    return { build: "npm install && npm run build      # writes plugin.wasm; @nd/protocol comes from your nd (file:)", note: REGISTRY_NOTE };
  }
  const build = `npx --yes pnpm@10.34.8 install                             # installs the whole workspace, this plugin included: links @nd/protocol
npx --yes pnpm@10.34.8 --filter ${packageName(name)} build   # writes plugin.wasm`;
  return { build, note: WORKSPACE_NOTE };
}

/**
 * What every AssemblyScript plugin holds besides its manifest, source and README: package.json,
 * asconfig.json (`use`: asc's --use settings, if any) and .gitignore.
 */
export function assemblyScriptProjectFiles(name: string, protocol: ProtocolSource, use: readonly string[] = []): TemplateFile[] {
  const packageJson = {
    name: packageName(name),
    version: "0.1.0",
    private: true,
    scripts: { build: "asc --config asconfig.json" },
    devDependencies: { "@nd/protocol": protocol.dependency, assemblyscript: "^0.28.20" },
  };
  const asconfig = {
    entries: ["assembly/plugin.ts"],
    options: {
      outFile: "plugin.wasm",
      exportStart: "_initialize",
      runtime: "incremental",
      ...(use.length > 0 && { use }),
      optimizeLevel: 3,
      shrinkLevel: 1,
    },
  };
  return [
    { path: "package.json", text: `${JSON.stringify(packageJson, null, 2)}\n` },
    { path: "asconfig.json", text: `${JSON.stringify(asconfig, null, 2)}\n` },
    { path: ".gitignore", text: "node_modules/\nplugin.wasm\n*.ndp\n" },
  ];
}

export function assemblyScriptTemplate({ name, protocol }: TemplateOptions): TemplateFile[] {
  const { build, note } = assemblyScriptBuild(name, protocol);
  const plugin = `import { ArtistBiographyRequest, ArtistBiographyResponse, MetadataAgent, Result, registerMetadataAgent } from "@nd/protocol/assembly";

export * from "@nd/protocol/assembly/exports/metadata_agent";

class Agent extends MetadataAgent {
  getArtistBiography(request: ArtistBiographyRequest): Result<ArtistBiographyResponse> {
    if (request.name == "") return Result.notFound<ArtistBiographyResponse>();
    return Result.ok(new ArtistBiographyResponse(${codeString(`${name} says hello to `)} + request.name));
  }
}

registerMetadataAgent(new Agent());
`;
  return [
    manifest(name, "AssemblyScript"),
    ...assemblyScriptProjectFiles(name, protocol),
    { path: "assembly/plugin.ts", text: plugin },
    readme(name, build, note),
  ];
}

export function goTemplate({ name, protocol }: TemplateOptions): TemplateFile[] {
  const module = packageName(name);
  const replace = `\n// The nd Go SDK shipped with your nd (in @nd/protocol); nothing is downloaded.\nreplace github.com/nd-music/nd/packages/protocol/go => ${protocol.goSdkPath}\n`;
  const goMod = `module example.com/${module}\n\ngo 1.24\n\nrequire github.com/nd-music/nd/packages/protocol/go v0.0.0\n${replace}`;
  const main = `// ${name} is an nd plugin: a MetadataAgent answering artist biographies.
package main

import (
	"context"

	"github.com/nd-music/nd/packages/protocol/go/gen/api"
	"github.com/nd-music/nd/packages/protocol/go/gen/capability/metadataagent"
	"github.com/nd-music/nd/packages/protocol/go/plugin"
)

type agent struct {
	api.UnimplementedMetadataAgent
}

func (agent) GetArtistBiography(_ context.Context, req *api.ArtistBiographyRequest) (*api.ArtistBiographyResponse, error) {
	if req.Name == "" {
		return nil, plugin.ErrNotFound
	}
	return &api.ArtistBiographyResponse{Biography: ${codeString(`${name} says hello to `)} + req.Name}, nil
}

// Plugins register in init: the host runs package initialisation, never main.
func init() {
	metadataagent.Register(agent{})
}

func main() {}
`;
  return [
    manifest(name, "Go"),
    { path: "go.mod", text: goMod },
    { path: "main.go", text: main },
    { path: ".gitignore", text: "plugin.wasm\n*.ndp\n" },
    readme(
      name,
      "GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o plugin.wasm .\n# or: tinygo build -target=wasip1 -buildmode=c-shared -o plugin.wasm .",
    ),
  ];
}
