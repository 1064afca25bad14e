// go-gen2-testbed is a generation-2 test plugin in the manner of Navidrome's
// own (plugins/testdata): nd_test_<service> exports take {"operation", ...}
// and drive every host service from real Go code built on extism/go-pdk, and
// every callback capability records what it was given, so the runtime's and
// the CLI's integration tests can check each service end to end.
package main

// The host never calls main: a c-shared (reactor) build runs package
// initialisation in _initialize and then calls the exports.
func main() {}
