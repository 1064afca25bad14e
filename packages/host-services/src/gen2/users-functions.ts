import type { UserFunction } from "./gen2-services.js";
import type { UserInfo } from "./providers.js";
import { usersInScope } from "./user-scope.js";

/** What a plugin sees of a user: no id, email or password. */
const shown = ({ userName, name, isAdmin }: UserInfo) => ({ userName, name, isAdmin });

/** Users (`users`): the users in the plugin's scope, from the host's users provider. */
export const USERS_FUNCTIONS: Record<string, UserFunction> = {
  async users_getusers({ users, access }) {
    return { result: (await usersInScope(users, access)).map(shown) };
  },
  async users_getadmins({ users, access }) {
    return { result: (await usersInScope(users, access)).filter((user) => user.isAdmin).map(shown) };
  },
};
