// Calls of extism:host/user functions: the request goes out as a JSON block, the answer
// comes back as one; an answer {"error": "..."} becomes the Result's error.
import { Result } from "../result";
import { JsonValue, parseJson } from "./json/value";
import { JsonWriter } from "./json/writer";
import { blockOf, bytesOf, freeBlock } from "./kernel";

/** The request block for a host function (freed by `hostAnswer`). */
export function hostRequest<T>(request: T, write: (w: JsonWriter, value: T) => void): u64 {
  const w = new JsonWriter();
  write(w, request);
  return blockOf(w.toBytes());
}

/** Reads and frees a host function's answer block (and the request block). */
export function hostAnswer(functionName: string, requestBlock: u64, answerBlock: u64): Result<JsonValue> {
  freeBlock(requestBlock);
  const bytes = bytesOf(answerBlock);
  freeBlock(answerBlock);
  const answer = parseJson(bytes);
  if (answer === null || !answer.isObject) {
    return Result.fail<JsonValue>(functionName + ": the host's answer is not a JSON object");
  }
  const error = answer.field("error").asString();
  if (error != "") return Result.fail<JsonValue>(functionName + ": " + error);
  return Result.ok<JsonValue>(answer);
}
