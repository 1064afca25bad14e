package plugin

import "unsafe"

// live keeps every block handed to the host reachable until the host frees it:
// the garbage collector does not know about pointers held outside the module.
var live = map[uint32][]byte{}

// alloc returns a block of size bytes and its address in linear memory. A
// zero-size block still gets a distinct, valid address.
func alloc(size uint32) ([]byte, uint32) {
	block := make([]byte, size, size+1)
	ptr := address(block[:cap(block)])
	live[ptr] = block
	return block, ptr
}

func address(b []byte) uint32 {
	return uint32(uintptr(unsafe.Pointer(&b[0])))
}

// release forgets a block; unknown pointers are ignored, like free(NULL).
func release(ptr uint32) {
	delete(live, ptr)
}

// block returns the bytes at ptr the host wrote size bytes into. It must have
// come from alloc, so the host can only point the plugin at its own blocks.
func block(ptr, size uint32) ([]byte, bool) {
	b, ok := live[ptr]
	if !ok || uint32(len(b)) < size {
		return nil, false
	}
	return b[:size], true
}

// hold copies data into a live block for the host to read and free.
func hold(data []byte) (ptr, size uint32) {
	b, ptr := alloc(uint32(len(data)))
	copy(b, data)
	return ptr, uint32(len(data))
}
