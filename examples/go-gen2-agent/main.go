// go-gen2-agent is a generation-2 (Extism, JSON) MetadataAgent written with
// github.com/extism/go-pdk: artist biographies and album descriptions from
// Wikipedia page summaries, artist MBIDs, similar artists and album MBIDs
// from MusicBrainz. Upstream answers are kept in the host's cache for a day.
//
// The logic lives in files without build tags so `go test` runs it on the
// build machine; the wasm glue (exports, host calls) is in the wasip1 files.
package main

// The host never calls main: a c-shared (reactor) build runs package
// initialisation in _initialize and then calls the nd_* exports.
func main() {}
