import { problemsFromAjvErrors } from "./ajv-problems.js";
import { compileConfigSchema } from "./config-schema.js";
import type { ManifestProblem } from "./problem.js";
import type { PluginConfigForm } from "./types-v2.js";

/**
 * Checks a generation-2 plugin's configuration against its manifest's `config.schema`: every
 * problem, with `path` a JSON Pointer into the configuration (`/api_key`). A plugin without a
 * form accepts any configuration here; `pluginConfigWarnings` reports values it will not expect.
 */
export function validatePluginConfig(
  form: PluginConfigForm | undefined,
  config: Record<string, unknown>,
): ManifestProblem[] {
  if (form === undefined) return [];
  const schema = compileConfigSchema(form.schema);
  if (!schema.ok) return [{ path: "", message: `the plugin's config schema cannot be used: ${schema.message}` }];
  if (schema.validate(config)) return [];
  return problemsFromAjvErrors(schema.validate.errors ?? [], config, "the configuration");
}

/**
 * What is accepted but odd in a plugin's configuration: values given to a plugin whose manifest
 * has no `config` form (Navidrome refuses to store them; nd passes them on, and says so).
 */
export function pluginConfigWarnings(
  form: PluginConfigForm | undefined,
  config: Record<string, unknown>,
): ManifestProblem[] {
  const keys = Object.keys(config);
  if (form !== undefined || keys.length === 0) return [];
  return [
    {
      path: "",
      message:
        `the plugin has no configurable options (its manifest has no config.schema), ` +
        `yet the configuration sets ${keys.map((key) => JSON.stringify(key)).join(", ")}; they are passed on unchecked`,
    },
  ];
}
