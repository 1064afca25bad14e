/**
 * Converts a proto name such as "GetArtistMBID" or "WebSocketCallback" to the
 * snake case used by export and import names ("get_artist_mbid", "web_socket_callback").
 */
export function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}
