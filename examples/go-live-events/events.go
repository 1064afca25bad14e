package main

import (
	"context"
	"fmt"
	"os"

	"github.com/nd-music/nd/packages/protocol/go/gen/api"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/config"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/scheduler"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/websocket"
)

// Fixed ids: the plugin keeps no state between calls, so every call must be
// able to name the connection and the schedules without remembering them.
const (
	connectionID     = "live-events"
	checkScheduleID  = "live-events-check"
	retryScheduleID  = "live-events-reconnect"
	checkPayload     = "check"
	reconnectPayload = "reconnect"
	heartbeatMessage = "heartbeat"
)

type liveEvents struct {
	config    config.ConfigService
	scheduler scheduler.SchedulerService
	websocket websocket.WebSocketService
}

// OnInit validates the configuration, connects and schedules the checks. A
// server that is down is not an error: the checks will connect later.
func (p *liveEvents) OnInit(ctx context.Context, req *api.InitRequest) (*api.InitResponse, error) {
	s, err := parseSettings(req.Config)
	if err != nil {
		return nil, err
	}
	if err := p.connect(ctx, s); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	res, err := p.scheduler.ScheduleRecurring(ctx, &scheduler.ScheduleRecurringRequest{
		CronExpression: s.checkCron,
		Payload:        []byte(checkPayload),
		ScheduleId:     checkScheduleID,
	})
	if err != nil {
		return nil, err
	}
	if res.Error != "" {
		return nil, fmt.Errorf("live-events: scheduling the checks (%q): %s", s.checkCron, res.Error)
	}
	return &api.InitResponse{}, nil
}

// OnSchedulerCallback runs the recurring check (a heartbeat; a failed send
// means the connection is gone) and the one-time reconnect after a close.
func (p *liveEvents) OnSchedulerCallback(ctx context.Context, req *api.SchedulerCallbackRequest) (*api.SchedulerCallbackResponse, error) {
	s, err := p.settings(ctx)
	if err != nil {
		return nil, err
	}
	switch string(req.Payload) {
	case checkPayload:
		if p.send(ctx, heartbeatMessage) == nil {
			return &api.SchedulerCallbackResponse{}, nil
		}
	case reconnectPayload:
	default:
		return nil, fmt.Errorf("live-events: unknown schedule payload %q (schedule %s)", req.Payload, req.ScheduleId)
	}
	if err := p.connect(ctx, s); err != nil {
		return nil, err
	}
	return &api.SchedulerCallbackResponse{}, nil
}

// OnTextMessage answers the server's "ping" with "pong".
func (p *liveEvents) OnTextMessage(ctx context.Context, req *api.OnTextMessageRequest) (*api.OnTextMessageResponse, error) {
	if req.ConnectionId == connectionID && req.Message == "ping" {
		if err := p.send(ctx, "pong"); err != nil {
			return nil, err
		}
	}
	return &api.OnTextMessageResponse{}, nil
}

// OnBinaryMessage acknowledges binary frames with their size.
func (p *liveEvents) OnBinaryMessage(ctx context.Context, req *api.OnBinaryMessageRequest) (*api.OnBinaryMessageResponse, error) {
	if req.ConnectionId != connectionID {
		return &api.OnBinaryMessageResponse{}, nil
	}
	if err := p.send(ctx, fmt.Sprintf("received %d bytes", len(req.Data))); err != nil {
		return nil, err
	}
	return &api.OnBinaryMessageResponse{}, nil
}

// OnError logs and schedules one reconnect after reconnect_delay_seconds: as in
// Navidrome, a connection the server closed, or that was lost, ends with an error.
func (p *liveEvents) OnError(ctx context.Context, req *api.OnErrorRequest) (*api.OnErrorResponse, error) {
	fmt.Fprintf(os.Stderr, "live-events: connection %s: %s\n", req.ConnectionId, req.Error)
	if req.ConnectionId != connectionID {
		return &api.OnErrorResponse{}, nil
	}
	s, err := p.settings(ctx)
	if err != nil {
		return nil, err
	}
	res, err := p.scheduler.ScheduleOneTime(ctx, &scheduler.ScheduleOneTimeRequest{
		DelaySeconds: s.reconnectDelay,
		Payload:      []byte(reconnectPayload),
		ScheduleId:   retryScheduleID,
	})
	if err != nil {
		return nil, err
	}
	if res.Error != "" {
		return nil, fmt.Errorf("live-events: scheduling the reconnect: %s", res.Error)
	}
	return &api.OnErrorResponse{}, nil
}

// OnClose follows only a close the plugin asked for, which this one never does.
func (p *liveEvents) OnClose(_ context.Context, _ *api.OnCloseRequest) (*api.OnCloseResponse, error) {
	return &api.OnCloseResponse{}, nil
}

func (p *liveEvents) settings(ctx context.Context) (settings, error) {
	res, err := p.config.GetConfig(ctx, &config.GetConfigRequest{})
	if err != nil {
		return settings{}, err
	}
	return parseSettings(res.Config)
}

func (p *liveEvents) connect(ctx context.Context, s settings) error {
	res, err := p.websocket.Connect(ctx, &websocket.ConnectRequest{Url: s.url, ConnectionId: connectionID})
	if err != nil {
		return err
	}
	if res.Error != "" {
		return fmt.Errorf("live-events: connecting to %s: %s", s.url, res.Error)
	}
	return nil
}

func (p *liveEvents) send(ctx context.Context, message string) error {
	res, err := p.websocket.SendText(ctx, &websocket.SendTextRequest{ConnectionId: connectionID, Message: message})
	if err != nil {
		return err
	}
	if res.Error != "" {
		return fmt.Errorf("live-events: sending %q: %s", message, res.Error)
	}
	return nil
}
