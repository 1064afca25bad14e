// The allocator the host uses for requests it sends and for answers of host
// calls. Blocks come from the runtime's heap (TLSF), outside the garbage
// collector, so they live until whoever owns them calls `free`.

/** Allocates `size` bytes for the host; never answers 0, even for 0 bytes. */
export function malloc(size: usize): usize {
  return heap.alloc(size);
}

/** Releases a block obtained from `malloc`. */
export function free(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}
