// go-coverart is a MetadataAgent that finds album images in the Cover Art
// Archive (or any server answering the same JSON at <base>/release/<mbid>).
package main

import (
	"github.com/nd-music/nd/packages/protocol/go/gen/capability/metadataagent"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/config"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/http"
)

// Plugins register in init: the host runs package initialisation when it
// instantiates the module, but never calls main.
func init() {
	metadataagent.Register(&coverArt{http: http.NewHttpService(), config: config.NewConfigService()})
}

func main() {}
