//go:build wasip1

package main

import (
	"encoding/base64"
	"errors"
	"os"

	"github.com/extism/go-pdk"
)

// nd_test_http: {"operation":"send", "request":{...}} calls http_send; {"operation":"kernel",
// "url", "method", "headers", "body"} uses the Extism kernel's http_request (a refusal traps).
//
//go:wasmexport nd_test_http
func ndTestHTTP() int32 {
	var input struct {
		Operation string            `json:"operation"`
		URL       string            `json:"url"`
		Method    string            `json:"method"`
		Headers   map[string]string `json:"headers"`
		Body      string            `json:"body"`
	}
	if err := pdk.InputJSON(&input); err != nil {
		return fail(err)
	}
	if input.Operation != "kernel" {
		return driveService("http")
	}
	method := pdk.MethodGet
	if input.Method == "POST" {
		method = pdk.MethodPost
	}
	request := pdk.NewHTTPRequest(method, input.URL)
	for name, value := range input.Headers {
		request.SetHeader(name, value)
	}
	if input.Body != "" {
		request.SetBody([]byte(input.Body))
	}
	response := request.Send()
	return output(map[string]any{
		"statusCode": response.Status(),
		"headers":    response.Headers(),
		"body":       base64.StdEncoding.EncodeToString(response.Body()),
	})
}

// nd_test_kernel_config {key} reads the Extism kernel's config_get (raw key, raw value).
//
//go:wasmexport nd_test_kernel_config
func ndTestKernelConfig() int32 {
	var input struct {
		Key string `json:"key"`
	}
	if err := pdk.InputJSON(&input); err != nil {
		return fail(err)
	}
	value, exists := pdk.GetConfig(input.Key)
	return output(map[string]any{"value": value, "exists": exists})
}

// nd_test_files {operation: read_file|list_dir, path} reads the WASI filesystem (library mounts).
//
//go:wasmexport nd_test_files
func ndTestFiles() int32 {
	var input struct {
		Operation string `json:"operation"`
		Path      string `json:"path"`
	}
	if err := pdk.InputJSON(&input); err != nil {
		return fail(err)
	}
	if input.Operation == "read_file" {
		content, err := os.ReadFile(input.Path)
		if err != nil {
			return output(map[string]string{"error": err.Error()})
		}
		return output(map[string]string{"content": string(content)})
	}
	entries, err := os.ReadDir(input.Path)
	if err != nil {
		return output(map[string]string{"error": err.Error()})
	}
	names := []string{}
	for _, entry := range entries {
		names = append(names, entry.Name())
	}
	return output(map[string]any{"entries": names})
}

// nd_test_error {message, rc} sets the error text, then returns rc (the error wins even over 0).
//
//go:wasmexport nd_test_error
func ndTestError() int32 {
	var input struct {
		Message string `json:"message"`
		RC      int32  `json:"rc"`
	}
	if err := pdk.InputJSON(&input); err != nil {
		return fail(err)
	}
	pdk.SetError(errors.New(input.Message))
	return input.RC
}

// nd_test_return {rc} returns rc with no error text (-2 is "not implemented").
//
//go:wasmexport nd_test_return
func ndTestReturn() int32 {
	var input struct {
		RC int32 `json:"rc"`
	}
	if err := pdk.InputJSON(&input); err != nil {
		return fail(err)
	}
	return input.RC
}

// nd_test_echo answers its input bytes unchanged.
//
//go:wasmexport nd_test_echo
func ndTestEcho() int32 {
	pdk.Output(pdk.Input())
	return 0
}

// nd_test_log {level: debug|info|warn|error, message} logs through the kernel.
//
//go:wasmexport nd_test_log
func ndTestLog() int32 {
	var input struct {
		Level   string `json:"level"`
		Message string `json:"message"`
	}
	if err := pdk.InputJSON(&input); err != nil {
		return fail(err)
	}
	levels := map[string]pdk.LogLevel{"debug": pdk.LogDebug, "info": pdk.LogInfo, "warn": pdk.LogWarn, "error": pdk.LogError}
	pdk.Log(levels[input.Level], input.Message)
	return 0
}
