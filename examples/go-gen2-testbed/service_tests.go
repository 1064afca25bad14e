//go:build wasip1

package main

import (
	"github.com/extism/go-pdk"
)

// Each nd_test_<service> export answers the host function's JSON answer as is
// ({"error": ...} included), with return code 0, like Navidrome's test plugins.

func driveService(service string) int32 {
	operation, request, err := splitOperation(pdk.Input())
	if err != nil {
		pdk.Output(errorAnswer(err.Error()))
		return 0
	}
	answer, err := callHostRaw(hostFunctionFor(service, operation), request)
	if err != nil {
		answer = errorAnswer(err.Error())
	}
	pdk.Output(answer)
	return 0
}

//go:wasmexport nd_test_config
func ndTestConfig() int32 { return driveService("config") }

//go:wasmexport nd_test_artwork
func ndTestArtwork() int32 { return driveService("artwork") }

//go:wasmexport nd_test_cache
func ndTestCache() int32 { return driveService("cache") }

//go:wasmexport nd_test_kvstore
func ndTestKvstore() int32 { return driveService("kvstore") }

//go:wasmexport nd_test_library
func ndTestLibrary() int32 { return driveService("library") }

//go:wasmexport nd_test_matcher
func ndTestMatcher() int32 { return driveService("matcher") }

//go:wasmexport nd_test_scheduler
func ndTestScheduler() int32 { return driveService("scheduler") }

//go:wasmexport nd_test_subsonicapi
func ndTestSubsonicapi() int32 { return driveService("subsonicapi") }

//go:wasmexport nd_test_taskqueue
func ndTestTaskqueue() int32 { return driveService("task") }

//go:wasmexport nd_test_users
func ndTestUsers() int32 { return driveService("users") }

//go:wasmexport nd_test_websocket
func ndTestWebsocket() int32 { return driveService("websocket") }
