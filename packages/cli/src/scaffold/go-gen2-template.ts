import { manifestV2File } from "./gen2-manifest.js";
import type { TemplateFile } from "./templates.js";

/** The PDK a generation-2 Go plugin is built on, as Navidrome v0.63's own plugins use it. */
const GO_PDK = "github.com/extism/go-pdk";
const GO_PDK_VERSION = "v1.1.3";
const GO_PDK_SUMS = `${GO_PDK} ${GO_PDK_VERSION} h1:hfViMPWrqjN6u67cIYRALZTZLk/enSPpNKa+rZ9X2SQ=
${GO_PDK} ${GO_PDK_VERSION}/go.mod h1:Gz+LIU/YCKnKXhgge8yo5Yu1F/lbv7KtKFkiCSzW/P4=
`;


/**
 * A generation-2 (Extism, JSON) MetadataAgent in Go, on extism/go-pdk: it runs in Navidrome
 * v0.60+ and in nd alike. Its ID is its folder's name (or its .ndp file's).
 */
export function goGen2Template({ name, id, module }: { name: string; id: string; module: string }): TemplateFile[] {
  const goMod = `module example.com/${module}\n\ngo 1.24\n\nrequire ${GO_PDK} ${GO_PDK_VERSION}\n`;
  const main = `// ${name} is a generation-2 nd and Navidrome plugin: a MetadataAgent answering artist biographies.
package main

import "${GO_PDK}"

type biographyRequest struct {
	ID   string \`json:"id"\`
	Name string \`json:"name"\`
}

type biographyResponse struct {
	Biography string \`json:"biography"\`
}

// Every export takes its JSON input from the host and answers 0 with JSON output, or -1 with an error.
//
//go:wasmexport nd_get_artist_biography
func ndGetArtistBiography() int32 {
	var request biographyRequest
	if err := pdk.InputJSON(&request); err != nil {
		pdk.SetError(err)
		return -1
	}
	// An empty biography means "not found": the host asks the next agent.
	biography := ""
	if request.Name != "" {
		biography = ${JSON.stringify(`${name} says hello to `)} + request.Name
	}
	if err := pdk.OutputJSON(biographyResponse{Biography: biography}); err != nil {
		pdk.SetError(err)
		return -1
	}
	return 0
}

// The host never calls main: a c-shared build runs package initialisation, then the exports.
func main() {}
`;
  const readme = `# ${name}

A generation-2 plugin (the Extism ABI with JSON, Navidrome v0.60 and later) written with
[\`${GO_PDK}\`](https://${GO_PDK}) ${GO_PDK_VERSION}. It exports \`nd_get_artist_biography\`, so the
host detects the \`MetadataAgent\` capability; add more \`nd_*\` exports for more. Its plugin ID
is the name of its folder (\`${id}\`) or of its \`.ndp\` file.

## Build, try, package

\`\`\`sh
GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o plugin.wasm .   # fetches ${GO_PDK} once
# or: tinygo build -target=wasip1 -buildmode=c-shared -o plugin.wasm .
nd plugin dev .
nd plugin call ${id} --export nd_get_artist_biography '{"id":"1","name":"Nina Simone"}'
nd plugin pack .                    # writes ${id}-0.1.0.ndp; Navidrome reads it from its plugins folder
\`\`\`
`;
  return [
    manifestV2File(name, "Go"),
    { path: "go.mod", text: goMod },
    { path: "go.sum", text: GO_PDK_SUMS },
    { path: "main.go", text: main },
    { path: ".gitignore", text: "plugin.wasm\n*.ndp\n" },
    { path: "README.md", text: readme },
  ];
}
