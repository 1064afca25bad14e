package plugin

import "github.com/nd-music/nd/packages/protocol/go/wire"

// Request decodes the request the host wrote at ptr into req. It reports false
// when the bytes are not a valid request: the export then returns 0.
func Request(ptr, size uint32, req wire.Message) bool {
	data, ok := block(ptr, size)
	return ok && req.Unmarshal(data) == nil
}

// Respond packs the result of a capability method for the host: the encoded
// response, or the error's text with the error bit set.
func Respond(res wire.Marshaler, err error) uint64 {
	if err != nil {
		ptr, size := hold([]byte(errorText(err)))
		return packPtrLen(ptr, size|errorBit)
	}
	ptr, size := hold(res.Marshal())
	return packPtrLen(ptr, size)
}

// RespondAPIVersion is the body of every <capability>_api_version export.
func RespondAPIVersion() uint64 {
	return APIVersion
}
