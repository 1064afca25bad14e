package plugin

import (
	"errors"
	"fmt"
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
