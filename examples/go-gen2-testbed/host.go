//go:build wasip1

package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/extism/go-pdk"
)

// callHostRaw sends request to the named host function and returns its JSON answer as is.
func callHostRaw(name string, request []byte) ([]byte, error) {
	function, ok := hostFunctions[name]
	if !ok {
		return nil, fmt.Errorf("no host function %s", name)
	}
	input := pdk.AllocateBytes(request)
	defer input.Free()
	handle := function(input.Offset())
	if handle == 0 {
		return nil, fmt.Errorf("%s answered no block", name)
	}
	output := pdk.FindMemory(handle)
	defer output.Free()
	return output.ReadBytes(), nil
}

// callHost calls a host function with a Go value and decodes its answer; "error" becomes an error.
func callHost(name string, request any, response any) error {
	encoded, err := json.Marshal(request)
	if err != nil {
		return err
	}
	answer, err := callHostRaw(name, encoded)
	if err != nil {
		return err
	}
	var envelope struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(answer, &envelope); err != nil {
		return err
	}
	if envelope.Error != "" {
		return errors.New(envelope.Error)
	}
	if response == nil {
		return nil
	}
	return json.Unmarshal(answer, response)
}

func configValue(key string) string {
	var answer struct {
		Value string `json:"value"`
	}
	if err := callHost("config_get", map[string]string{"key": key}, &answer); err != nil {
		return ""
	}
	return answer.Value
}

// record keeps a callback's input in the kvstore under "event:<time>:<export>" (so a
// prefix list returns the events in order) and logs it.
func record(export string, input []byte) {
	pdk.Log(pdk.LogInfo, export+" "+string(input))
	key := fmt.Sprintf("event:%020d:%s", time.Now().UnixNano(), export)
	request := map[string]string{"key": key, "value": base64.StdEncoding.EncodeToString(input)}
	if err := callHost("kvstore_set", request, nil); err != nil {
		pdk.Log(pdk.LogWarn, "recording "+export+" failed: "+err.Error())
	}
}

func output(value any) int32 {
	if err := pdk.OutputJSON(value); err != nil {
		return fail(err)
	}
	return 0
}

func fail(err error) int32 {
	pdk.SetError(err)
	return -1
}
