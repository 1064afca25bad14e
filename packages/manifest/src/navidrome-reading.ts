import { describeValue } from "./describe-value.js";
import { childPointer, readableLocation } from "./location.js";
import type { ManifestProblem } from "./problem.js";

/** The permission keys whose value `null` Navidrome reads as "not granted". */
const KNOWN_PERMISSIONS = ["http", "cache", "config", "scheduler", "websocket", "artwork", "subsonicapi"];
/** Text fields Navidrome v0.57 accepts empty; `name` is not among them (it is the plugin's identity). */
const TEXT_FIELDS: Readonly<Record<string, string>> = {
  author: "say who made the plugin",
  version: 'give one, such as "1.0.0"',
  description: "say what the plugin does",
};

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value);

function warning(root: unknown, pointer: string, text: string): ManifestProblem {
  return { path: pointer, message: `${readableLocation(pointer, root)} ${text}` };
}

/** `permissions` with its null permissions left out; the same object when it has none. */
function permissionsWithoutNulls(permissions: Fields, root: unknown, warnings: ManifestProblem[]): Fields {
  const nulls = KNOWN_PERMISSIONS.filter((key) => Object.hasOwn(permissions, key) && permissions[key] === null);
  if (nulls.length === 0) return permissions;
  const kept: Fields = { ...permissions };
  for (const key of nulls) {
    delete kept[key];
    warnings.push(warning(root, childPointer("/permissions", key), "is null, read as absent: the service is not granted"));
  }
  return kept;
}

/**
 * Reads `null` as Go's JSON decoder does for Navidrome v0.57's manifest: `website: null` is no
 * website, `permissions: null` is `{}`, and a known permission set to null is not granted.
 * Answers a copy without those nulls (the same value when there are none), with a warning for
 * each, since a null there is more likely a mistake than a choice.
 */
export function readNullsAsAbsent(value: unknown): { value: unknown; warnings: ManifestProblem[] } {
  const warnings: ManifestProblem[] = [];
  if (!isObject(value)) return { value, warnings };
  let read = value;
  if (Object.hasOwn(value, "website") && value.website === null) {
    read = { ...value };
    delete read.website;
    warnings.push(warning(value, "/website", "is null, read as absent"));
  }
  if (Object.hasOwn(value, "permissions") && value.permissions === null) {
    read = { ...read, permissions: {} };
    warnings.push(warning(value, "/permissions", "is null, read as {}: no host service is granted"));
  } else if (isObject(value.permissions)) {
    const permissions = permissionsWithoutNulls(value.permissions, value, warnings);
    if (permissions !== value.permissions) read = { ...read, permissions };
  }
  return { value: read, warnings };
}

function emptyUsernameWarnings(root: Fields): ManifestProblem[] {
  const permissions = root.permissions;
  const subsonicapi = isObject(permissions) ? permissions.subsonicapi : undefined;
  const usernames = isObject(subsonicapi) ? subsonicapi.allowedUsernames : undefined;
  if (!Array.isArray(usernames)) return [];
  const pointer = "/permissions/subsonicapi/allowedUsernames";
  return usernames.flatMap((name, index) =>
    name === "" ? [warning(root, childPointer(pointer, index), "is empty, and matches no user")] : [],
  );
}

/**
 * Values Navidrome v0.57 accepts that are more likely slips than choices, reported as warnings:
 * an empty author, version or description, a `$schema` that is not a string (ignored either
 * way), an empty user name in `subsonicapi.allowedUsernames`.
 */
export function oddValueWarnings(value: unknown): ManifestProblem[] {
  if (!isObject(value)) return [];
  const warnings = Object.entries(TEXT_FIELDS)
    .filter(([field]) => value[field] === "")
    .map(([field, advice]) => warning(value, childPointer("", field), `is empty; ${advice}`));
  if (Object.hasOwn(value, "$schema") && typeof value.$schema !== "string") {
    warnings.push(warning(value, "/$schema", `is not a string (got ${describeValue(value.$schema)}); it is ignored`));
  }
  return [...warnings, ...emptyUsernameWarnings(value)];
}
