package plugin

// errorBit marks the bytes of a result as a UTF-8 error string (bit 31 of the low word).
const errorBit = 1 << 31

func packPtrLen(ptr, size uint32) uint64 {
	return uint64(ptr)<<32 | uint64(size)
}

func unpackPtrLen(v uint64) (ptr, size uint32, isError bool) {
	low := uint32(v)
	return uint32(v >> 32), low &^ errorBit, low&errorBit != 0
}
