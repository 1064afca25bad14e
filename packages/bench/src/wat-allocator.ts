/**
 * The part every benchmark plugin in WebAssembly text shares: a 2-page memory, a bump
 * allocator behind `malloc` (its `$heap` starts at 1024, above room for data segments),
 * a no-op `free`, and `metadata_agent_api_version` answering 1.
 */
export const WAT_ALLOCATOR = `
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 1024))
  (func (export "malloc") (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $size)))
    (local.get $ptr))
  (func (export "free") (param i32))
  (func (export "metadata_agent_api_version") (result i64) (i64.const 1))`;
