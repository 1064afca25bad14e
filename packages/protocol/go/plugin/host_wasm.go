package plugin

const hostAvailable = true

// requestAddress is where the host reads the request; an empty request still
// needs a valid address.
func requestAddress(data []byte) (ptr, size uint32) {
	if len(data) == 0 {
		data = make([]byte, 1)
		return address(data), 0
	}
	return address(data), uint32(len(data))
}
