package plugin

//go:wasmexport malloc
func malloc(size uint32) uint32 {
	_, ptr := alloc(size)
	return ptr
}

//go:wasmexport free
func free(ptr uint32) {
	release(ptr)
}
