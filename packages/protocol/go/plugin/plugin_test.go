package plugin

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nd-music/nd/packages/protocol/go/wire"
)

type text struct{ value string }

func (m *text) Marshal() []byte {
	var e wire.Encoder
	e.String(1, m.value)
	return e.Bytes()
}

func (m *text) Unmarshal(data []byte) error {
	d := wire.NewDecoder(data)
	for d.More() {
		field, t, err := d.Tag()
		if err == nil && field == 1 {
			m.value, err = d.String(t)
		} else if err == nil {
			err = d.Skip(t)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func TestPtrLenPacking(t *testing.T) {
	v := packPtrLen(0x10, 3|errorBit)
	if v != 0x10_8000_0003 {
		t.Fatalf("packed %#x", v)
	}
	ptr, size, isError := unpackPtrLen(v)
	if ptr != 0x10 || size != 3 || !isError {
		t.Fatalf("unpacked %#x %d %v", ptr, size, isError)
	}
}

func TestRespondEncodesTheResponseInALiveBlock(t *testing.T) {
	ptr, size, isError := unpackPtrLen(Respond(&text{value: "hi"}, nil))
	data, ok := block(ptr, size)
	if isError || !ok || string(data) != "\x0a\x02hi" {
		t.Fatalf("got %q ok=%v error=%v", data, ok, isError)
	}
	release(ptr)
	if _, ok := block(ptr, size); ok {
		t.Fatal("block still live after release")
	}
}

func TestRespondSendsErrorsWithTheErrorBit(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{ErrNotFound, "plugin:not_found"},
		{fmt.Errorf("no cover for album 42: %w", ErrNotFound), "plugin:not_found"},
		{fmt.Errorf("wrapped: %w", ErrNotImplemented), "plugin:not_implemented"},
		{errors.New("upstream answered 503"), "upstream answered 503"},
	}
	for _, c := range cases {
		ptr, size, isError := unpackPtrLen(Respond(nil, c.err))
		data, _ := block(ptr, size)
		if !isError || string(data) != c.want {
			t.Errorf("%v: got %q error=%v, want %q", c.err, data, isError, c.want)
		}
		release(ptr)
	}
}

func TestRequestDecodesOnlyBlocksTheHostAllocated(t *testing.T) {
	b, ptr := alloc(4)
	copy(b, "\x0a\x02ok")
	var req text
	if !Request(ptr, 4, &req) || req.value != "ok" {
		t.Fatalf("valid request refused: %+v", req)
	}
	if Request(ptr, 5, &text{}) {
		t.Fatal("accepted a length past the block")
	}
	if Request(ptr+1, 1, &text{}) {
		t.Fatal("accepted a pointer that is not a block")
	}
	copy(b, "\x0a\x09ok")
	if Request(ptr, 4, &text{}) {
		t.Fatal("accepted an undecodable request")
	}
	release(ptr)
}

func TestZeroSizeBlocksHaveDistinctAddresses(t *testing.T) {
	_, a := alloc(0)
	_, b := alloc(0)
	if a == 0 || a == b {
		t.Fatalf("addresses %#x and %#x", a, b)
	}
	release(a)
	release(b)
}

func TestHostCallOutsideWebAssemblyReportsNoHost(t *testing.T) {
	call := NewHostCall("get", &text{value: "x"})
	if err := call.Finish(0, &text{}); !errors.Is(err, ErrHostUnavailable) {
		t.Fatalf("got %v", err)
	}
}

// hostWrites does what the host does with a host-call answer: malloc, write.
func hostWrites(data []byte) uint32 {
	b, ptr := alloc(uint32(len(data)))
	copy(b, data)
	return ptr
}

func TestHostResultsAreDecodedAndFreed(t *testing.T) {
	before := len(live)
	ptr := hostWrites([]byte("\x0a\x02ok"))
	var res text
	if err := takeHostResult("get", packPtrLen(ptr, 4), &res); err != nil || res.value != "ok" {
		t.Fatalf("got %+v, %v", res, err)
	}
	if len(live) != before {
		t.Fatalf("%d blocks left live", len(live)-before)
	}
}

func TestHostErrorsNameTheFunction(t *testing.T) {
	before := len(live)
	ptr := hostWrites([]byte("refused"))
	err := takeHostResult("get", packPtrLen(ptr, 7|errorBit), &text{})
	var hostErr *HostError
	if !errors.As(err, &hostErr) || err.Error() != "host function get: refused" {
		t.Fatalf("got %v", err)
	}
	if len(live) != before {
		t.Fatalf("%d blocks left live", len(live)-before)
	}
	cases := map[uint64]string{
		0:                    "host function get: returned no response",
		packPtrLen(12345, 1): "host function get: returned a block the plugin did not allocate",
	}
	for result, want := range cases {
		if err := takeHostResult("get", result, &text{}); err == nil || err.Error() != want {
			t.Errorf("%#x: got %v, want %q", result, err, want)
		}
	}
	ptr = hostWrites([]byte{0x0a, 0x09})
	err = takeHostResult("get", packPtrLen(ptr, 2), &text{})
	if err == nil || !strings.HasPrefix(err.Error(), "host function get: returned an undecodable response: ") {
		t.Fatalf("got %v", err)
	}
}

// One capability call as the host makes it leaves no block behind.
func TestACallCycleLeavesNoLiveBlocks(t *testing.T) {
	before := len(live)
	request := (&text{value: "hi"}).Marshal()
	reqPtr := hostWrites(request)
	var req text
	if !Request(reqPtr, uint32(len(request)), &req) {
		t.Fatal("request refused")
	}
	resPtr, _, _ := unpackPtrLen(Respond(&text{value: req.value + "!"}, nil))
	release(reqPtr)
	release(resPtr)
	if len(live) != before {
		t.Fatalf("%d blocks left live", len(live)-before)
	}
}
