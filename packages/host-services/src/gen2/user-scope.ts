import type { UsersProvider, UserInfo } from "./providers.js";
import type { PluginAccess } from "./plugin-access.js";

/** The music server's users (none without a provider). */
export async function listUsers(provider: UsersProvider | undefined): Promise<UserInfo[]> {
  return provider ? provider.listUsers() : [];
}

/** The user named `userName`, in any case (Navidrome's FindByUsername). */
export async function findUser(provider: UsersProvider | undefined, userName: string): Promise<UserInfo | undefined> {
  const wanted = userName.toLowerCase();
  return (await listUsers(provider)).find((user) => user.userName.toLowerCase() === wanted);
}

/** The users a plugin may see and act as. */
export async function usersInScope(provider: UsersProvider | undefined, access: PluginAccess): Promise<UserInfo[]> {
  const users = await listUsers(provider);
  if (access.users === "all") return users;
  const allowed = new Set(access.users);
  return users.filter((user) => allowed.has(user.id));
}
