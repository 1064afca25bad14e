package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

// operationAliases keeps the operation names of Navidrome's test plugins where they
// differ from the host function's method name.
var operationAliases = map[string]string{
	"config.list":                "keys",
	"task.get_task_status":       "get",
	"task.cancel_task":           "cancel",
	"scheduler.cancel":           "cancelschedule",
	"websocket.close":            "closeconnection",
	"websocket.close_connection": "closeconnection",
}

// hostFunctionFor names the host function an operation of a service calls:
// "set_with_ttl" of kvstore is kvstore_setwithttl.
func hostFunctionFor(service, operation string) string {
	if alias, ok := operationAliases[service+"."+operation]; ok {
		return service + "_" + alias
	}
	return service + "_" + strings.ReplaceAll(operation, "_", "")
}

// splitOperation reads {"operation": ..., rest} and returns the operation and the rest
// as the JSON request of the host function.
func splitOperation(input []byte) (string, []byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(input, &fields); err != nil {
		return "", nil, fmt.Errorf("the input is not a JSON object: %w", err)
	}
	var operation string
	if err := json.Unmarshal(fields["operation"], &operation); err != nil || operation == "" {
		return "", nil, fmt.Errorf(`the input has no "operation" string`)
	}
	delete(fields, "operation")
	request, err := json.Marshal(fields)
	return operation, request, err
}

// errorAnswer is the {"error": text} answer of a test export.
func errorAnswer(text string) []byte {
	answer, _ := json.Marshal(map[string]string{"error": text})
	return answer
}
