import type { ManifestV2 } from "@nd/manifest";
import { NdpError } from "./errors.js";

const REQUIRED_TEXT = ["name", "author", "version"] as const;
const OPTIONAL_TEXT = ["description", "website"] as const;

/**
 * Checks the shape of a generation-2 manifest as Navidrome v0.63 decodes it: required
 * name, author and version; typed optional fields; unknown keys ignored. Throws NdpError
 * "invalid-manifest" listing every problem, each with its JSON pointer.
 */
export function parseManifestV2Shape(text: string): ManifestV2 {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = `manifest.json is not valid JSON: ${(error as Error).message}`;
    throw new NdpError("invalid-manifest", message, "manifest.json", { cause: error });
  }
  const problems = manifestProblems(value);
  if (problems.length > 0) {
    const message = `manifest.json is not a valid generation-2 manifest: ${problems.join("; ")}`;
    throw new NdpError("invalid-manifest", message, "manifest.json");
  }
  return value as ManifestV2;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function manifestProblems(value: unknown): string[] {
  if (!isObject(value)) return ["/ must be a JSON object"];
  const problems: string[] = [];
  for (const key of REQUIRED_TEXT) {
    if (typeof value[key] !== "string" || value[key] === "") problems.push(`/${key} is required and must be a non-empty string`);
  }
  for (const key of OPTIONAL_TEXT) {
    if (value[key] !== undefined && typeof value[key] !== "string") problems.push(`/${key} must be a string`);
  }
  if (value.config !== undefined) problems.push(...configProblems(value.config));
  if (value.permissions !== undefined) problems.push(...permissionProblems(value.permissions));
  return problems;
}

function configProblems(config: unknown): string[] {
  if (!isObject(config)) return ["/config must be an object"];
  const problems = isObject(config.schema) ? [] : ["/config/schema is required and must be an object"];
  if (config.uiSchema !== undefined && !isObject(config.uiSchema)) problems.push("/config/uiSchema must be an object");
  return problems;
}

function permissionProblems(permissions: unknown): string[] {
  if (!isObject(permissions)) return ["/permissions must be an object"];
  const problems: string[] = [];
  for (const [key, permission] of Object.entries(permissions)) {
    if (!isObject(permission)) {
      problems.push(`/permissions/${key} must be an object`);
      continue;
    }
    const hosts = permission.requiredHosts;
    if (hosts !== undefined && !(Array.isArray(hosts) && hosts.every((host) => typeof host === "string"))) {
      problems.push(`/permissions/${key}/requiredHosts must be an array of strings`);
    }
  }
  const concurrency = (permissions.taskqueue as Record<string, unknown> | undefined)?.maxConcurrency;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && (concurrency as number) >= 1)) {
    problems.push("/permissions/taskqueue/maxConcurrency must be an integer of at least 1");
  }
  const maxSize = (permissions.kvstore as Record<string, unknown> | undefined)?.maxSize;
  if (maxSize !== undefined && typeof maxSize !== "string") problems.push("/permissions/kvstore/maxSize must be a string");
  return problems;
}
