// How an nd_* export answers the host: 0 with its JSON output, -1 with an error text set,
// or -2 ("not implemented", no error text) for Result.notImplemented().
import { NOT_IMPLEMENTED } from "../errors";
import { Result } from "../result";
import { JsonValue, parseJson } from "./json/value";
import { JsonWriter } from "./json/writer";
import { input, setError, setOutput } from "./kernel";

export const RC_OK: i32 = 0;
export const RC_ERROR: i32 = -1;
export const RC_NOT_IMPLEMENTED: i32 = -2;

/** The call's input as JSON; null (with the error set) when it is not JSON. */
export function jsonInput(exportName: string): JsonValue | null {
  const value = parseJson(input());
  if (value === null) setError(exportName + ": the input is not JSON");
  return value;
}

function failed<T>(result: Result<T>): i32 {
  const error = result.errorText;
  if (error == NOT_IMPLEMENTED) return RC_NOT_IMPLEMENTED;
  setError(error);
  return RC_ERROR;
}

/** Answers a result with output: its value written as JSON, or its error. */
export function answerWith<T>(result: Result<T>, write: (w: JsonWriter, value: T) => void): i32 {
  if (!result.isOk) return failed(result);
  const w = new JsonWriter();
  write(w, result.value!);
  setOutput(w.toBytes());
  return RC_OK;
}

/** Answers a result without output: nothing, or its error. */
export function answerEmpty<T>(result: Result<T>): i32 {
  return result.isOk ? RC_OK : failed(result);
}
