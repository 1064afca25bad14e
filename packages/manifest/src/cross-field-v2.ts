import { maxSizeMessage, parseByteSize } from "./byte-size.js";
import { compileConfigSchema } from "./config-schema.js";
import type { ManifestProblem } from "./problem.js";
import type { ManifestV2, PermissionsV2 } from "./types-v2.js";

/** Permission → the permission it needs as well, and why. */
const NEEDS: readonly { permission: keyof PermissionsV2; needs: keyof PermissionsV2; why: string }[] = [
  { permission: "subsonicapi", needs: "users", why: "it calls the Subsonic API as one of the plugin's users" },
  { permission: "matcher", needs: "library", why: "it matches songs in the plugin's libraries" },
];

/**
 * The rules Navidrome checks when it reads a manifest, beyond the schema: permissions that need
 * another permission, a `config.schema` that compiles, and a kvstore `maxSize` that is a size
 * (Navidrome finds a bad size later, when the plugin loads, and refuses it then).
 */
export function crossFieldProblemsV2(manifest: ManifestV2): ManifestProblem[] {
  const permissions = manifest.permissions ?? {};
  const problems: ManifestProblem[] = NEEDS.filter(
    ({ permission, needs }) => permissions[permission] !== undefined && permissions[needs] === undefined,
  ).map(({ permission, needs, why }) => ({
    path: `/permissions/${permission}`,
    message: `permissions.${permission} needs the ${needs} permission as well (${why}): add "${needs}": {} to permissions`,
  }));
  const maxSize = permissions.kvstore?.maxSize;
  if (maxSize !== undefined && maxSize !== "" && parseByteSize(maxSize) === undefined) {
    problems.push({ path: "/permissions/kvstore/maxSize", message: maxSizeMessage(maxSize) });
  }
  if (manifest.config !== undefined) {
    const compiled = compileConfigSchema(manifest.config.schema);
    if (!compiled.ok) {
      problems.push({ path: "/config/schema", message: `config.schema is not a usable JSON Schema: ${compiled.message}` });
    }
  }
  return problems;
}
