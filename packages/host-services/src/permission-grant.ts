/** Whether a manifest grants a permission: its key holds an object (`{}` is enough). */
export function isGranted(permissions: Readonly<Record<string, unknown>>, name: string): boolean {
  const value = permissions[name];
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
