export {
  CAPABILITIES,
  CAPABILITY_NAMES,
  HOST_SERVICES,
  INITIALIZERS,
  KERNEL_FUNCTIONS,
  KERNEL_HTTP_REQUEST,
  KERNEL_MODULE,
  PERMISSION_NAMES,
  RETURN_CODES,
  USER_MODULE,
  detectCapabilities,
  findHostFunction,
} from "./abi.js";
export type { CapabilityName, HostFunction, HostServiceName, KernelFunctionName, PermissionName } from "./abi.js";
export type * from "./gen/shapes.js";
