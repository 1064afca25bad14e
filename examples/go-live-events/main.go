// go-live-events keeps a WebSocket connection to a live-events server open:
// it connects when loaded, answers the server's pings, checks the connection
// on a cron schedule and reconnects shortly after the server closes it.
package main

import (
	"github.com/nd-music/nd/packages/protocol/go/gen/capability/lifecyclemanagement"
	"github.com/nd-music/nd/packages/protocol/go/gen/capability/schedulercallback"
	"github.com/nd-music/nd/packages/protocol/go/gen/capability/websocketcallback"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/config"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/scheduler"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/websocket"
)

// Plugins register in init: the host never calls main.
func init() {
	p := &liveEvents{
		config:    config.NewConfigService(),
		scheduler: scheduler.NewSchedulerService(),
		websocket: websocket.NewWebSocketService(),
	}
	lifecyclemanagement.Register(p)
	schedulercallback.Register(p)
	websocketcallback.Register(p)
}

func main() {}
