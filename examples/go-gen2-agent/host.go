//go:build wasip1

package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"

	"github.com/extism/go-pdk"
)

// Navidrome's host services: one JSON block in, one JSON block out.

//go:wasmimport extism:host/user config_get
func configGet(uint64) uint64

//go:wasmimport extism:host/user cache_getstring
func cacheGetString(uint64) uint64

//go:wasmimport extism:host/user cache_setstring
func cacheSetString(uint64) uint64

//go:wasmimport extism:host/user http_send
func httpSend(uint64) uint64

const (
	cacheTTLSeconds  = 24 * 60 * 60
	requestTimeoutMs = 10000
	userAgent        = "nd-go-gen2-agent/0.1 (https://github.com/nd-music/nd)"
)

// callHost sends request to a host function and decodes its answer into response;
// an answer carrying "error" is returned as an error.
func callHost(function func(uint64) uint64, request any, response any) error {
	input, err := pdk.AllocateJSON(request)
	if err != nil {
		return err
	}
	defer input.Free()
	output := pdk.FindMemory(function(input.Offset()))
	defer output.Free()
	answer := output.ReadBytes()
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

// configValue is the plugin's config value for key, or fallback when unset.
func configValue(key, fallback string) string {
	var answer struct {
		Value  string `json:"value"`
		Exists bool   `json:"exists"`
	}
	if err := callHost(configGet, map[string]string{"key": key}, &answer); err != nil || !answer.Exists || answer.Value == "" {
		return fallback
	}
	return answer.Value
}

type hostCache struct{}

func (hostCache) get(key string) (string, bool) {
	var answer struct {
		Value  string `json:"value"`
		Exists bool   `json:"exists"`
	}
	if err := callHost(cacheGetString, map[string]string{"key": key}, &answer); err != nil {
		pdk.Log(pdk.LogWarn, "cache_getstring failed: "+err.Error())
		return "", false
	}
	return answer.Value, answer.Exists
}

func (hostCache) set(key, value string) {
	request := map[string]any{"key": key, "value": value, "ttlSeconds": cacheTTLSeconds}
	if err := callHost(cacheSetString, request, nil); err != nil {
		pdk.Log(pdk.LogWarn, "cache_setstring failed: "+err.Error())
	}
}

// hostFetch GETs url through the host's http_send.
func hostFetch(url string) (int, []byte, error) {
	request := map[string]any{"request": map[string]any{
		"method":    "GET",
		"url":       url,
		"headers":   map[string]string{"Accept": "application/json", "User-Agent": userAgent},
		"timeoutMs": requestTimeoutMs,
	}}
	var answer struct {
		Result struct {
			StatusCode int    `json:"statusCode"`
			Body       string `json:"body"`
		} `json:"result"`
	}
	if err := callHost(httpSend, request, &answer); err != nil {
		return 0, nil, err
	}
	body, err := base64.StdEncoding.DecodeString(answer.Result.Body)
	return answer.Result.StatusCode, body, err
}

func newAgent() agent {
	return agent{
		musicBrainzURL: configValue("musicbrainz_url", defaultMusicBrainzURL),
		wikipediaURL:   configValue("wikipedia_url", defaultWikipediaURL),
		fetch:          hostFetch,
		cache:          hostCache{},
	}
}
