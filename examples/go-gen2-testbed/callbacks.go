//go:build wasip1

package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"

	"github.com/extism/go-pdk"
)

// Callback capabilities: each records its input (see record) and behaves as its
// payload or the plugin's config asks, so tests can see delivery, order and failures.

//go:wasmexport nd_on_init
func ndOnInit() int32 {
	record("nd_on_init", pdk.Input())
	if problem := configValue("init_error"); problem != "" {
		return fail(errors.New(problem))
	}
	return 0
}

// nd_scheduler_callback: payload "fail" fails the callback.
//
//go:wasmexport nd_scheduler_callback
func ndSchedulerCallback() int32 {
	input := pdk.Input()
	record("nd_scheduler_callback", input)
	var request struct {
		Payload string `json:"payload"`
	}
	if err := json.Unmarshal(input, &request); err != nil {
		return fail(err)
	}
	if request.Payload == "fail" {
		return fail(errors.New("scheduler callback failed as asked"))
	}
	return 0
}

// nd_task_execute: payload "fail" always fails, "fail-then-succeed" fails on attempt 1;
// otherwise the task's message is "completed <payload>".
//
//go:wasmexport nd_task_execute
func ndTaskExecute() int32 {
	input := pdk.Input()
	record("nd_task_execute", input)
	var request struct {
		Payload string `json:"payload"`
		Attempt int32  `json:"attempt"`
	}
	if err := json.Unmarshal(input, &request); err != nil {
		return fail(err)
	}
	payload, err := base64.StdEncoding.DecodeString(request.Payload)
	if err != nil {
		return fail(err)
	}
	switch {
	case string(payload) == "fail":
		return fail(errors.New("task failed as asked"))
	case string(payload) == "fail-then-succeed" && request.Attempt == 1:
		return fail(errors.New("task failed on its first attempt as asked"))
	}
	return output("completed " + string(payload))
}

// nd_websocket_on_text_message: "echo" answers "echo:echo", "close" closes with 1000
// "closed by plugin", "fail" fails the callback.
//
//go:wasmexport nd_websocket_on_text_message
func ndWebsocketOnTextMessage() int32 {
	input := pdk.Input()
	record("nd_websocket_on_text_message", input)
	var request struct {
		ConnectionID string `json:"connectionId"`
		Message      string `json:"message"`
	}
	if err := json.Unmarshal(input, &request); err != nil {
		return fail(err)
	}
	var err error
	switch request.Message {
	case "echo":
		err = callHost("websocket_sendtext", map[string]string{"connectionId": request.ConnectionID, "message": "echo:echo"}, nil)
	case "close":
		err = callHost("websocket_closeconnection", map[string]any{"connectionId": request.ConnectionID, "code": 1000, "reason": "closed by plugin"}, nil)
	case "fail":
		err = errors.New("text message callback failed as asked")
	}
	if err != nil {
		return fail(err)
	}
	return 0
}

// nd_websocket_on_binary_message sends the bytes back.
//
//go:wasmexport nd_websocket_on_binary_message
func ndWebsocketOnBinaryMessage() int32 {
	input := pdk.Input()
	record("nd_websocket_on_binary_message", input)
	var request struct {
		ConnectionID string `json:"connectionId"`
		Data         string `json:"data"`
	}
	if err := json.Unmarshal(input, &request); err != nil {
		return fail(err)
	}
	if err := callHost("websocket_sendbinary", request, nil); err != nil {
		return fail(err)
	}
	return 0
}

//go:wasmexport nd_websocket_on_error
func ndWebsocketOnError() int32 {
	record("nd_websocket_on_error", pdk.Input())
	return 0
}

//go:wasmexport nd_websocket_on_close
func ndWebsocketOnClose() int32 {
	record("nd_websocket_on_close", pdk.Input())
	return 0
}
