/** A manifest that passes validation, as a starting point for mutations. */
export function validManifest(name = "fuzzed-plugin"): Record<string, unknown> {
  return {
    name,
    author: "nd bench",
    version: "1.0.0",
    description: "a plugin for the reliability suite",
    website: "https://example.org",
    capabilities: ["MetadataAgent", "Scrobbler"],
    permissions: {
      http: { reason: "lookups", allowedUrls: { "https://api.example.org/*": ["GET"] }, allowLocalNetwork: false },
      cache: {},
      websocket: { allowedUrls: ["wss://events.example.org/*"] },
    },
  };
}
