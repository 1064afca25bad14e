import { ARTWORK_FUNCTIONS } from "./artwork-functions.js";
import { CACHE_FUNCTIONS } from "./cache-functions.js";
import { CONFIG_FUNCTIONS } from "./config-functions.js";
import { HTTP_FUNCTIONS } from "./http-functions.js";
import { LIBRARY_FUNCTIONS } from "./library-functions.js";
import { MATCHER_FUNCTIONS } from "./matcher-functions.js";
import { SCHEDULER_FUNCTIONS } from "./scheduler-functions.js";
import { SUBSONICAPI_FUNCTIONS } from "./subsonicapi-functions.js";
import { USERS_FUNCTIONS } from "./users-functions.js";
import { WEBSOCKET_FUNCTIONS } from "./websocket-functions.js";
import { KVSTORE_FUNCTIONS } from "../kvstore/kvstore-functions.js";
import { TASK_FUNCTIONS } from "../taskqueue/task-functions.js";
import type { UserFunction } from "./gen2-services.js";

/**
 * Every `extism:host/user` function nd serves, by import name. A service's functions are
 * linked for a plugin when its permission (gen2.HOST_SERVICES) is granted.
 */
export const USER_FUNCTIONS: Readonly<Record<string, UserFunction>> = Object.freeze({
  ...CONFIG_FUNCTIONS,
  ...ARTWORK_FUNCTIONS,
  ...CACHE_FUNCTIONS,
  ...HTTP_FUNCTIONS,
  ...SCHEDULER_FUNCTIONS,
  ...WEBSOCKET_FUNCTIONS,
  ...SUBSONICAPI_FUNCTIONS,
  ...USERS_FUNCTIONS,
  ...LIBRARY_FUNCTIONS,
  ...MATCHER_FUNCTIONS,
  ...KVSTORE_FUNCTIONS,
  ...TASK_FUNCTIONS,
});
