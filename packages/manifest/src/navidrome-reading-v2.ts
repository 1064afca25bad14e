import { describeValue } from "./describe-value.js";
import { childPointer, readableLocation } from "./location.js";
import type { ManifestProblem } from "./problem.js";

/** Optional top-level fields: Go's decoder reads `null` there as absent. */
const OPTIONAL_FIELDS = ["$schema", "description", "website", "config", "experimental", "permissions"];

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value);

/** `fields` without its null entries (the same object when it has none), with a warning for each. */
function withoutNulls(fields: Fields, keys: readonly string[], pointer: string, root: unknown, warnings: ManifestProblem[]): Fields {
  const nulls = keys.filter((key) => Object.hasOwn(fields, key) && fields[key] === null);
  if (nulls.length === 0) return fields;
  const kept: Fields = { ...fields };
  for (const key of nulls) {
    delete kept[key];
    const at = childPointer(pointer, key);
    warnings.push({ path: at, message: `${readableLocation(at, root)} is null, read as absent` });
  }
  return kept;
}

/**
 * Reads `null` as Navidrome's Go decoder does for a generation-2 manifest: an optional field,
 * a permission, or a field inside a permission set to null is absent (a null permission grants
 * nothing). Answers a copy without those nulls, with a warning for each.
 */
export function readNullsAsAbsentV2(value: unknown): { value: unknown; warnings: ManifestProblem[] } {
  const warnings: ManifestProblem[] = [];
  if (!isObject(value)) return { value, warnings };
  const read = withoutNulls(value, OPTIONAL_FIELDS, "", value, warnings);
  if (!isObject(read.permissions)) return { value: read, warnings };
  const granted = withoutNulls(read.permissions, Object.keys(read.permissions), "/permissions", value, warnings);
  const permissions: Fields = {};
  for (const [name, permission] of Object.entries(granted)) {
    const pointer = childPointer("/permissions", name);
    permissions[name] = isObject(permission)
      ? withoutNulls(permission, Object.keys(permission), pointer, value, warnings)
      : permission;
  }
  return { value: warnings.length === 0 ? value : { ...read, permissions }, warnings };
}

/**
 * Values Navidrome accepts that are likely slips: a website that is not an absolute URL, a
 * websocket permission without requiredHosts (every connection is then refused).
 */
export function oddValueWarningsV2(value: unknown): ManifestProblem[] {
  if (!isObject(value)) return [];
  const warnings: ManifestProblem[] = [];
  if (typeof value.website === "string" && !URL.canParse(value.website)) {
    warnings.push({
      path: "/website",
      message: `website is not an absolute URL (got ${describeValue(value.website)}); it is shown as text, not as a link`,
    });
  }
  const websocket = isObject(value.permissions) ? value.permissions.websocket : undefined;
  if (isObject(websocket) && (!Array.isArray(websocket.requiredHosts) || websocket.requiredHosts.length === 0)) {
    warnings.push({
      path: "/permissions/websocket",
      message: "permissions.websocket lists no requiredHosts, so every connection will be refused",
    });
  }
  return warnings;
}
