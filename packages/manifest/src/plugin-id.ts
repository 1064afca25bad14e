/** Longest plugin ID, in characters: it names a file, a folder and a database namespace. */
export const MAX_PLUGIN_ID_LENGTH = 128;

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * What makes `id` unusable as a generation-2 plugin ID (the file name without `.ndp`, or the
 * folder name), or undefined when it is fine. The ID names the plugin's data folder, so it must
 * not be empty, `.` or `..`, hold `/`, `\` or a control character, or be longer than 128 characters.
 */
export function pluginIdProblem(id: string): string | undefined {
  if (id === "") return "the plugin ID is empty";
  if (id === "." || id === "..") return `the plugin ID must not be ${JSON.stringify(id)}`;
  if (/[/\\]/.test(id)) return `the plugin ID ${JSON.stringify(id)} must not contain "/" or "\\"`;
  if (CONTROL_CHARACTER.test(id)) return `the plugin ID ${JSON.stringify(id)} must not contain control characters`;
  if (id.length > MAX_PLUGIN_ID_LENGTH) {
    return `the plugin ID is ${id.length} characters long; the limit is ${MAX_PLUGIN_ID_LENGTH}`;
  }
  return undefined;
}
