// AssemblyScript's abort (a failed assertion, an index out of range...), for plugins that
// compile with `--use abort=...gen2/abort/abortCall`: Navidrome provides no env.abort, so
// the message becomes the call's error and the call traps.
import { setError } from "./kernel";

export function abortCall(message: string | null, fileName: string | null, line: u32, column: u32): void {
  const text = message === null ? "abort" : message;
  const where = fileName === null ? "" : " at " + fileName + ":" + line.toString() + ":" + column.toString();
  setError(text + where);
  unreachable();
}
