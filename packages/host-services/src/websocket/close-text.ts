/** The words gorilla/websocket's CloseError puts after a close code it knows. */
const CLOSE_CODE_WORDS: Readonly<Record<number, string>> = {
  1000: "normal",
  1001: "going away",
  1002: "protocol error",
  1003: "unsupported data",
  1005: "no status",
  1006: "abnormal closure",
  1007: "invalid payload data",
  1008: "policy violation",
  1009: "message too big",
  1010: "mandatory extension missing",
  1011: "internal server error",
  1015: "TLS handshake error",
};

/** What gorilla/websocket reads when the connection drops without a close frame. */
const DROPPED_WITHOUT_CLOSE_FRAME = "unexpected EOF";

/**
 * A close the plugin did not ask for, in the words Navidrome's read loop hands to OnError
 * (gorilla/websocket's CloseError): `websocket: close 1000 (normal): bye`.
 */
export function goCloseErrorText(code: number, reason: string): string {
  const words = CLOSE_CODE_WORDS[code];
  const text = code === 1006 && reason === "" ? DROPPED_WITHOUT_CLOSE_FRAME : reason;
  return `websocket: close ${code}${words ? ` (${words})` : ""}${text ? `: ${text}` : ""}`;
}
