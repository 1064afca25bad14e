/** A file of a new plugin: its path in the plugin folder and its text. */
export interface TemplateFile {
  readonly path: string;
  readonly text: string;
}

export interface TemplateOptions {
  readonly name: string;
  /** Version range of @nd/protocol for AssemblyScript plugins. */
  readonly protocolVersion: string;
  /** Path of the nd Go SDK relative to the plugin folder, when the nd repository is at hand. */
  readonly goSdkPath?: string;
}

function manifest(name: string, language: string): TemplateFile {
  const value = {
    name,
    author: "you",
    version: "0.1.0",
    description: `${name}: a MetadataAgent written in ${language}`,
    capabilities: ["MetadataAgent"],
    permissions: {},
  };
  return { path: "manifest.json", text: `${JSON.stringify(value, null, 2)}\n` };
}

function readme(name: string, build: string): TemplateFile {
  const text = `# ${name}

An nd plugin. It implements \`MetadataAgent.GetArtistBiography\`; every other method answers
\`plugin:not_implemented\`.

## Build, try, package

\`\`\`sh
${build}
nd plugin dev .                     # link this folder into the plugins folder
nd plugin call ${name} MetadataAgent.GetArtistBiography '{"name":"Nina Simone"}'
nd plugin pack .                    # writes ${name}-0.1.0.ndp
\`\`\`
`;
  return { path: "README.md", text };
}

export function assemblyScriptTemplate({ name, protocolVersion }: TemplateOptions): TemplateFile[] {
  const packageJson = {
    name,
    version: "0.1.0",
    private: true,
    scripts: { build: "asc --config asconfig.json" },
    devDependencies: { "@nd/protocol": protocolVersion, assemblyscript: "^0.28.20" },
  };
  const asconfig = {
    entries: ["assembly/plugin.ts"],
    options: { outFile: "plugin.wasm", exportStart: "_initialize", runtime: "incremental", optimizeLevel: 3, shrinkLevel: 1 },
  };
  const plugin = `import { ArtistBiographyRequest, ArtistBiographyResponse, MetadataAgent, Result, registerMetadataAgent } from "@nd/protocol/assembly";

export * from "@nd/protocol/assembly/exports/metadata_agent";

class Agent extends MetadataAgent {
  getArtistBiography(request: ArtistBiographyRequest): Result<ArtistBiographyResponse> {
    if (request.name == "") return Result.notFound<ArtistBiographyResponse>();
    return Result.ok(new ArtistBiographyResponse("${name} says hello to " + request.name));
  }
}

registerMetadataAgent(new Agent());
`;
  return [
    manifest(name, "AssemblyScript"),
    { path: "package.json", text: `${JSON.stringify(packageJson, null, 2)}\n` },
    { path: "asconfig.json", text: `${JSON.stringify(asconfig, null, 2)}\n` },
    { path: "assembly/plugin.ts", text: plugin },
    { path: ".gitignore", text: "node_modules/\nplugin.wasm\n*.ndp\n" },
    readme(name, "npm install && npm run build      # writes plugin.wasm"),
  ];
}

export function goTemplate({ name, goSdkPath }: TemplateOptions): TemplateFile[] {
  const module = name.replace(/[^A-Za-z0-9._-]/g, "-");
  const replace = goSdkPath
    ? `\nreplace github.com/nd-music/nd/packages/protocol/go => ${goSdkPath}\n`
    : "\n// Point this at your copy of the nd Go SDK (packages/protocol/go of the nd repository):\n// replace github.com/nd-music/nd/packages/protocol/go => ../nd/packages/protocol/go\n";
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
	return &api.ArtistBiographyResponse{Biography: "${name} says hello to " + req.Name}, nil
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
