const MAX_FOLDER_NAME_LENGTH = 64;
// Names Windows keeps for devices, whatever the extension.
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/;
const SAFE = /^[a-z0-9][a-z0-9._-]*$/;

/** FNV-1a, 32 bits, as 8 hex digits: a short stable tag for names that leave no letters. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/**
 * A folder name for a plugin, derived from its manifest name (any text): lowercase ASCII letters,
 * digits, `-`, `_` and `.`, starting with a letter or digit, at most 64 characters, never `.`, `..`
 * or a Windows device name. A name that is already such a name is kept as it is: `"my-plugin"` stays
 * `"my-plugin"`, `"My Plugin"` becomes `"my-plugin"`, `"Café Bot!"` becomes `"cafe-bot"`, and a name
 * with no usable character, like `"日本語"`, becomes `"plugin-"` and a stable 8-digit hash of it.
 */
export function pluginFolderName(manifestName: string): string {
  if (SAFE.test(manifestName) && manifestName.length <= MAX_FOLDER_NAME_LENGTH && !RESERVED.test(manifestName)) {
    return manifestName;
  }
  const slug = manifestName
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+/, "")
    .slice(0, MAX_FOLDER_NAME_LENGTH)
    .replace(/[._-]+$/, "");
  if (slug === "") return `plugin-${shortHash(manifestName)}`;
  return RESERVED.test(slug) ? `plugin-${slug}`.slice(0, MAX_FOLDER_NAME_LENGTH) : slug;
}
