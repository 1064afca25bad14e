// The Extism kernel (module "extism:host/env"): blocks of host-managed memory named by
// u64 handles, the call's input and output, its error, configuration and logs. Only the
// functions a plugin ends up calling are imported (AssemblyScript drops the others).

// @ts-ignore: decorator
@external("extism:host/env", "alloc")
declare function extism_alloc(length: u64): u64;
// @ts-ignore: decorator
@external("extism:host/env", "free")
declare function extism_free(handle: u64): void;
// @ts-ignore: decorator
@external("extism:host/env", "length")
declare function extism_length(handle: u64): u64;
// @ts-ignore: decorator
@external("extism:host/env", "length_unsafe")
declare function extism_length_unsafe(handle: u64): u64;
// @ts-ignore: decorator
@external("extism:host/env", "load_u8")
declare function extism_load_u8(handle: u64): u8;
// @ts-ignore: decorator
@external("extism:host/env", "load_u64")
declare function extism_load_u64(handle: u64): u64;
// @ts-ignore: decorator
@external("extism:host/env", "store_u8")
declare function extism_store_u8(handle: u64, value: u8): void;
// @ts-ignore: decorator
@external("extism:host/env", "store_u64")
declare function extism_store_u64(handle: u64, value: u64): void;
// @ts-ignore: decorator
@external("extism:host/env", "input_length")
declare function extism_input_length(): u64;
// @ts-ignore: decorator
@external("extism:host/env", "input_load_u8")
declare function extism_input_load_u8(offset: u64): u8;
// @ts-ignore: decorator
@external("extism:host/env", "input_load_u64")
declare function extism_input_load_u64(offset: u64): u64;
// @ts-ignore: decorator
@external("extism:host/env", "output_set")
declare function extism_output_set(handle: u64, length: u64): void;
// @ts-ignore: decorator
@external("extism:host/env", "error_set")
declare function extism_error_set(handle: u64): void;
// @ts-ignore: decorator
@external("extism:host/env", "config_get")
declare function extism_config_get(handle: u64): u64;
// @ts-ignore: decorator
@external("extism:host/env", "log_debug")
declare function extism_log_debug(handle: u64): void;
// @ts-ignore: decorator
@external("extism:host/env", "log_info")
declare function extism_log_info(handle: u64): void;
// @ts-ignore: decorator
@external("extism:host/env", "log_warn")
declare function extism_log_warn(handle: u64): void;
// @ts-ignore: decorator
@external("extism:host/env", "log_error")
declare function extism_log_error(handle: u64): void;
// @ts-ignore: decorator
@external("extism:host/env", "get_log_level")
declare function extism_get_log_level(): i32;

/** A new kernel block holding `bytes`; 0 for no bytes (the kernel allocates nothing for 0). */
export function blockOf(bytes: Uint8Array): u64 {
  const length = <u64>bytes.length;
  if (length == 0) return 0;
  const handle = extism_alloc(length);
  const words = length & ~7;
  for (let i: u64 = 0; i < words; i += 8) extism_store_u64(handle + i, load<u64>(bytes.dataStart + <usize>i));
  for (let i = words; i < length; i++) extism_store_u8(handle + i, bytes[<i32>i]);
  return handle;
}

/** The bytes of the block starting at `handle` (empty for 0). */
export function bytesOf(handle: u64): Uint8Array {
  if (handle == 0) return new Uint8Array(0);
  const length = extism_length(handle);
  const bytes = new Uint8Array(<i32>length);
  const words = length & ~7;
  for (let i: u64 = 0; i < words; i += 8) store<u64>(bytes.dataStart + <usize>i, extism_load_u64(handle + i));
  for (let i = words; i < length; i++) bytes[<i32>i] = extism_load_u8(handle + i);
  return bytes;
}

/**
 * The bytes of a block the kernel's HTTP functions answered, read without the length
 * check (as the PDKs do), then freed. Empty for 0.
 */
export function takeBlockUnchecked(handle: u64): Uint8Array {
  if (handle == 0) return new Uint8Array(0);
  const length = <i32>extism_length_unsafe(handle);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = extism_load_u8(handle + <u64>i);
  extism_free(handle);
  return bytes;
}

/** Releases a block (0 is ignored). */
export function freeBlock(handle: u64): void {
  if (handle != 0) extism_free(handle);
}

/** The input of the current call. */
export function input(): Uint8Array {
  const length = extism_input_length();
  const bytes = new Uint8Array(<i32>length);
  const words = length & ~7;
  for (let i: u64 = 0; i < words; i += 8) store<u64>(bytes.dataStart + <usize>i, extism_input_load_u64(i));
  for (let i = words; i < length; i++) bytes[<i32>i] = extism_input_load_u8(i);
  return bytes;
}

/** Makes `bytes` the output of the current call. */
export function setOutput(bytes: Uint8Array): void {
  extism_output_set(blockOf(bytes), <u64>bytes.length);
}

/** Sets the call's error text; the host then fails the call whatever the export returns. */
export function setError(message: string): void {
  extism_error_set(blockOf(Uint8Array.wrap(String.UTF8.encode(message))));
}

/**
 * A value of the plugin's configuration (Extism's config_get), or null when the key is
 * absent. As in the Go PDK, an empty value reads as absent.
 */
export function configValue(key: string): string | null {
  const keyBlock = blockOf(Uint8Array.wrap(String.UTF8.encode(key)));
  const valueBlock = extism_config_get(keyBlock);
  freeBlock(keyBlock);
  if (valueBlock == 0) return null;
  const value = bytesOf(valueBlock);
  freeBlock(valueBlock);
  return value.length == 0 ? null : String.UTF8.decode(value.buffer);
}

/** Log levels as the kernel's get_log_level answers them. */
export enum LogLevel {
  Trace = 0,
  Debug = 1,
  Info = 2,
  Warn = 3,
  Error = 4,
}

/** Logs `message` at `level` unless the host's level is above it (the kernel frees the block). */
export function log(level: LogLevel, message: string): void {
  if (level < extism_get_log_level()) return;
  const handle = blockOf(Uint8Array.wrap(String.UTF8.encode(message)));
  if (handle == 0) return;
  if (level >= LogLevel.Error) extism_log_error(handle);
  else if (level == LogLevel.Warn) extism_log_warn(handle);
  else if (level == LogLevel.Info) extism_log_info(handle);
  else extism_log_debug(handle);
}
