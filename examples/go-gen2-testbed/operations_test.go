package main

import (
	"encoding/json"
	"testing"
)

func TestOperationsNameHostFunctions(t *testing.T) {
	cases := map[[2]string]string{
		{"kvstore", "set_with_ttl"}:     "kvstore_setwithttl",
		{"kvstore", "get_storage_used"}: "kvstore_getstorageused",
		{"cache", "get_string"}:         "cache_getstring",
		{"config", "list"}:              "config_keys",
		{"task", "get_task_status"}:     "task_get",
		{"task", "create_queue"}:        "task_createqueue",
		{"websocket", "close"}:          "websocket_closeconnection",
		{"subsonicapi", "call_raw"}:     "subsonicapi_callraw",
	}
	for input, want := range cases {
		if got := hostFunctionFor(input[0], input[1]); got != want {
			t.Errorf("%v: got %s, want %s", input, got, want)
		}
	}
}

func TestSplitOperationKeepsTheRestAsTheRequest(t *testing.T) {
	operation, request, err := splitOperation([]byte(`{"operation":"set","key":"k","value":"dg=="}`))
	if err != nil || operation != "set" {
		t.Fatalf("operation %q, %v", operation, err)
	}
	var fields map[string]string
	if err := json.Unmarshal(request, &fields); err != nil || len(fields) != 2 || fields["key"] != "k" {
		t.Fatalf("request %s, %v", request, err)
	}
	if _, _, err := splitOperation([]byte(`{"key":"k"}`)); err == nil {
		t.Fatal("an input without operation is refused")
	}
}
