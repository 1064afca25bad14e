/**
 * What the host's administrator granted a generation-2 plugin (Navidrome's plugin record):
 * the users and libraries it may act on, and whether its library mounts are writable.
 */
export interface PluginAccess {
  /** "all", or user ids. */
  users: "all" | string[];
  /** "all", or library ids. */
  libraries: "all" | number[];
  writeAccess: boolean;
}

export const NO_ACCESS: PluginAccess = Object.freeze({ users: [], libraries: [], writeAccess: false });

export function userInScope(access: PluginAccess, userId: string): boolean {
  return access.users === "all" || access.users.includes(userId);
}

export function libraryInScope(access: PluginAccess, libraryId: number): boolean {
  return access.libraries === "all" || access.libraries.includes(libraryId);
}
