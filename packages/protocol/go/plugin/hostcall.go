package plugin

import "github.com/nd-music/nd/packages/protocol/go/wire"

// HostCall carries one request to a host function. The generated clients use it
// as: call := NewHostCall(name, req); err := call.Finish(hostFn(call.Ptr, call.Len), res).
type HostCall struct {
	function string
	request  []byte
	Ptr, Len uint32
}

// NewHostCall encodes req; the bytes stay reachable until Finish.
func NewHostCall(function string, req wire.Marshaler) *HostCall {
	call := &HostCall{function: function, request: req.Marshal()}
	call.Ptr, call.Len = requestAddress(call.request)
	return call
}

// Finish decodes the host's answer into res and frees the block the host
// allocated for it.
func (c *HostCall) Finish(result uint64, res wire.Message) error {
	c.request = nil
	if !hostAvailable {
		return ErrHostUnavailable
	}
	return takeHostResult(c.function, result, res)
}

func takeHostResult(function string, result uint64, res wire.Message) error {
	if result == 0 {
		return &HostError{Function: function, Message: "returned no response"}
	}
	ptr, size, isError := unpackPtrLen(result)
	data, ok := block(ptr, size)
	if !ok {
		return &HostError{Function: function, Message: "returned a block the plugin did not allocate"}
	}
	defer release(ptr)
	if isError {
		return &HostError{Function: function, Message: string(data)}
	}
	if err := res.Unmarshal(data); err != nil {
		return &HostError{Function: function, Message: "returned an undecodable response: " + err.Error()}
	}
	return nil
}
