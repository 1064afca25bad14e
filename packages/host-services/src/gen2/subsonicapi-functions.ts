import { ServiceError } from "../errors.js";
import type { SubsonicApiService, SubsonicAuthorizer } from "../subsonicapi/subsonicapi-service.js";
import type { Gen2Services, UserFunction } from "./gen2-services.js";
import type { PluginAccess } from "./plugin-access.js";
import type { UsersProvider } from "./providers.js";
import { findUser } from "./user-scope.js";

/** v0.63's rule, with its texts: all users, or a user whose id the plugin's access lists. */
export function subsonicAuthorizerV063(
  pluginId: string,
  access: PluginAccess,
  users: UsersProvider | undefined,
): SubsonicAuthorizer {
  return async (username) => {
    if (access.users === "all") return undefined;
    if (access.users.length === 0) return `no users configured for plugin ${pluginId}`;
    const user = await findUser(users, username);
    if (!user) return `username ${username} not found`;
    if (!access.users.includes(user.id)) return `user ${username} is not authorized for this plugin`;
    return undefined;
  };
}

const subsonicOf = (services: Gen2Services) => services.subsonicapi as SubsonicApiService;

/** SubsonicAPI (`subsonicapi`): generation 1's service with `c=<plugin id>`; callraw leaves `f` to the plugin. */
export const SUBSONICAPI_FUNCTIONS: Record<string, UserFunction> = {
  async subsonicapi_call(services, request, options) {
    const answer = await subsonicOf(services).call({ url: request.string("uri") }, options);
    if (answer.error) throw new ServiceError(answer.error);
    return { responseJson: answer.json };
  },
  async subsonicapi_callraw(services, request, options) {
    const answer = await subsonicOf(services).callRaw({ url: request.string("uri") }, options);
    if (answer.error) throw new ServiceError(answer.error);
    return { contentType: answer.contentType, data: answer.data };
  },
};
