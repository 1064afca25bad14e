package main

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/nd-music/nd/packages/protocol/go/gen/api"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/config"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/scheduler"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/websocket"
)

// host records what the plugin asks of the three services.
type host struct {
	cfg      map[string]string
	sendFail string // error answered by SendText
	calls    []string
}

func (h *host) GetConfig(context.Context, *config.GetConfigRequest) (*config.GetConfigResponse, error) {
	return &config.GetConfigResponse{Config: h.cfg}, nil
}

func (h *host) GetPluginConfig(ctx context.Context, req *config.GetConfigRequest) (*config.GetConfigResponse, error) {
	return h.GetConfig(ctx, req)
}

func (h *host) ScheduleOneTime(_ context.Context, req *scheduler.ScheduleOneTimeRequest) (*scheduler.ScheduleResponse, error) {
	h.calls = append(h.calls, "once "+req.ScheduleId+" "+string(req.Payload)+" after "+strconv.Itoa(int(req.DelaySeconds)))
	return &scheduler.ScheduleResponse{ScheduleId: req.ScheduleId}, nil
}

func (h *host) ScheduleRecurring(_ context.Context, req *scheduler.ScheduleRecurringRequest) (*scheduler.ScheduleResponse, error) {
	h.calls = append(h.calls, "cron "+req.ScheduleId+" "+string(req.Payload)+" "+req.CronExpression)
	return &scheduler.ScheduleResponse{ScheduleId: req.ScheduleId}, nil
}

func (h *host) CancelSchedule(context.Context, *scheduler.CancelRequest) (*scheduler.CancelResponse, error) {
	return nil, errors.New("not used")
}

func (h *host) Connect(_ context.Context, req *websocket.ConnectRequest) (*websocket.ConnectResponse, error) {
	h.calls = append(h.calls, "connect "+req.ConnectionId+" "+req.Url)
	return &websocket.ConnectResponse{ConnectionId: req.ConnectionId}, nil
}

func (h *host) SendText(_ context.Context, req *websocket.SendTextRequest) (*websocket.SendTextResponse, error) {
	h.calls = append(h.calls, "send "+req.ConnectionId+" "+req.Message)
	return &websocket.SendTextResponse{Error: h.sendFail}, nil
}

func (h *host) SendBinary(context.Context, *websocket.SendBinaryRequest) (*websocket.SendBinaryResponse, error) {
	return nil, errors.New("not used")
}

func (h *host) Close(context.Context, *websocket.CloseRequest) (*websocket.CloseResponse, error) {
	return nil, errors.New("not used")
}

func newPlugin(cfg map[string]string) (*liveEvents, *host) {
	h := &host{cfg: cfg}
	return &liveEvents{config: h, scheduler: h, websocket: h}, h
}

func expectCalls(t *testing.T, h *host, want ...string) {
	t.Helper()
	if !reflect.DeepEqual(h.calls, want) {
		t.Fatalf("calls = %q\nwant    %q", h.calls, want)
	}
}

func TestOnInitConnectsAndSchedulesTheChecks(t *testing.T) {
	cfg := map[string]string{"ws_url": "ws://127.0.0.1:9/events", "check_cron": "* * * * *"}
	p, h := newPlugin(nil)
	if _, err := p.OnInit(context.Background(), &api.InitRequest{Config: cfg}); err != nil {
		t.Fatal(err)
	}
	expectCalls(t, h, "connect live-events ws://127.0.0.1:9/events", "cron live-events-check check * * * * *")
}

func TestOnInitRefusesABadConfiguration(t *testing.T) {
	cases := map[string]struct {
		cfg  map[string]string
		want string
	}{
		"no url":        {map[string]string{}, `ws_url must be a ws:// or wss:// URL, got ""`},
		"http url":      {map[string]string{"ws_url": "http://x"}, `got "http://x"`},
		"bad delay":     {map[string]string{"ws_url": "ws://x", "reconnect_delay_seconds": "soon"}, `reconnect_delay_seconds must be a whole number from 1 to 3600, got "soon"`},
		"delay too big": {map[string]string{"ws_url": "ws://x", "reconnect_delay_seconds": "3601"}, `got "3601"`},
	}
	for name, c := range cases {
		p, h := newPlugin(nil)
		_, err := p.OnInit(context.Background(), &api.InitRequest{Config: c.cfg})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v", name, err)
		}
		if len(h.calls) != 0 {
			t.Errorf("%s: called the host: %q", name, h.calls)
		}
	}
}

func TestPingIsAnsweredWithPong(t *testing.T) {
	p, h := newPlugin(nil)
	for _, message := range []string{"ping", "hello"} {
		if _, err := p.OnTextMessage(context.Background(), &api.OnTextMessageRequest{ConnectionId: connectionID, Message: message}); err != nil {
			t.Fatal(err)
		}
	}
	expectCalls(t, h, "send live-events pong")
}

func TestBinaryFramesAreAcknowledged(t *testing.T) {
	p, h := newPlugin(nil)
	if _, err := p.OnBinaryMessage(context.Background(), &api.OnBinaryMessageRequest{ConnectionId: connectionID, Data: []byte{1, 2, 3}}); err != nil {
		t.Fatal(err)
	}
	expectCalls(t, h, "send live-events received 3 bytes")
}

func TestAnErrorSchedulesOneReconnect(t *testing.T) {
	p, h := newPlugin(map[string]string{"ws_url": "ws://x", "reconnect_delay_seconds": "42"})
	if _, err := p.OnError(context.Background(), &api.OnErrorRequest{ConnectionId: "someone-else", Error: "x"}); err != nil {
		t.Fatal(err)
	}
	expectCalls(t, h)
	closed := &api.OnErrorRequest{ConnectionId: connectionID, Error: "websocket: close 1001 (going away)"}
	if _, err := p.OnError(context.Background(), closed); err != nil {
		t.Fatal(err)
	}
	expectCalls(t, h, "once live-events-reconnect reconnect after 42")
	if _, err := p.OnSchedulerCallback(context.Background(), &api.SchedulerCallbackRequest{ScheduleId: retryScheduleID, Payload: []byte(reconnectPayload)}); err != nil {
		t.Fatal(err)
	}
	expectCalls(t, h, "once live-events-reconnect reconnect after 42", "connect live-events ws://x")
}

func TestCheckReconnectsOnlyWhenTheHeartbeatFails(t *testing.T) {
	p, h := newPlugin(map[string]string{"ws_url": "ws://x"})
	check := &api.SchedulerCallbackRequest{ScheduleId: checkScheduleID, Payload: []byte(checkPayload), IsRecurring: true}
	if _, err := p.OnSchedulerCallback(context.Background(), check); err != nil {
		t.Fatal(err)
	}
	expectCalls(t, h, "send live-events heartbeat")
	h.calls, h.sendFail = nil, "unknown connection"
	if _, err := p.OnSchedulerCallback(context.Background(), check); err != nil {
		t.Fatal(err)
	}
	expectCalls(t, h, "send live-events heartbeat", "connect live-events ws://x")
}

func TestUnknownPayloadIsAnError(t *testing.T) {
	p, _ := newPlugin(map[string]string{"ws_url": "ws://x"})
	_, err := p.OnSchedulerCallback(context.Background(), &api.SchedulerCallbackRequest{ScheduleId: "x", Payload: []byte("?")})
	if err == nil || !strings.Contains(err.Error(), `unknown schedule payload "?" (schedule x)`) {
		t.Fatalf("got %v", err)
	}
}
