package main

import (
	"fmt"
	"strconv"
	"strings"
)

const (
	defaultCheckCron      = "*/5 * * * *"
	defaultReconnectDelay = 10
	maxReconnectDelay     = 3600
)

// settings is the plugin's [PluginConfig.go-live-events].
type settings struct {
	url            string // ws_url: required, ws:// or wss://
	checkCron      string // check_cron: when to check the connection
	reconnectDelay int32  // reconnect_delay_seconds: wait after a close
}

func parseSettings(config map[string]string) (settings, error) {
	s := settings{
		url:            config["ws_url"],
		checkCron:      config["check_cron"],
		reconnectDelay: defaultReconnectDelay,
	}
	if !strings.HasPrefix(s.url, "ws://") && !strings.HasPrefix(s.url, "wss://") {
		return s, fmt.Errorf("live-events: config ws_url must be a ws:// or wss:// URL, got %q", s.url)
	}
	if s.checkCron == "" {
		s.checkCron = defaultCheckCron
	}
	if text, ok := config["reconnect_delay_seconds"]; ok {
		delay, err := strconv.Atoi(text)
		if err != nil || delay < 1 || delay > maxReconnectDelay {
			return s, fmt.Errorf("live-events: config reconnect_delay_seconds must be a whole number from 1 to %d, got %q", maxReconnectDelay, text)
		}
		s.reconnectDelay = int32(delay)
	}
	return s, nil
}
