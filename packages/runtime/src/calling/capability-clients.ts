import { CAPABILITIES, type CapabilityName, type api } from "@nd/protocol";

/** Like Partial, all the way down: a request may leave out any field, nested ones included. */
export type DeepPartial<T> = T extends Uint8Array | bigint | string | number | boolean
  ? T
  : T extends Array<infer U>
    ? Array<DeepPartial<U>>
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;

type MethodShape = { responseType: { decode(input: Uint8Array): unknown } };
type ResponseOf<M> = M extends { responseType: { decode(input: Uint8Array): infer R } } ? R : never;
type RequestOf<M> = M extends { requestType: { decode(input: Uint8Array): infer R } } ? R : never;

/** Typed calls into one plugin's capability: one method per rpc of the service. */
export type CapabilityClient<Definition extends { methods: Record<string, MethodShape> }> = {
  readonly pluginName: string;
} & {
  readonly [K in keyof Definition["methods"]]: (
    request?: DeepPartial<RequestOf<Definition["methods"][K]>>,
  ) => Promise<ResponseOf<Definition["methods"][K]>>;
};

export type MetadataAgentClient = CapabilityClient<typeof api.MetadataAgentDefinition>;
export type ScrobblerClient = CapabilityClient<typeof api.ScrobblerDefinition>;
export type SchedulerCallbackClient = CapabilityClient<typeof api.SchedulerCallbackDefinition>;
export type WebSocketCallbackClient = CapabilityClient<typeof api.WebSocketCallbackDefinition>;
export type LifecycleManagementClient = CapabilityClient<typeof api.LifecycleManagementDefinition>;

export type CallPlugin = (plugin: string, capability: CapabilityName, method: string, request: unknown) => Promise<unknown>;

/** Builds the client of one plugin's capability; each call goes to the plugin's current version. */
export function capabilityClient<C>(pluginName: string, capability: CapabilityName, call: CallPlugin): C {
  const client: Record<string, unknown> = { pluginName };
  for (const [key, method] of Object.entries(CAPABILITIES[capability].definition.methods)) {
    client[key] = (request: unknown = {}) => call(pluginName, capability, method.name, request);
  }
  return client as C;
}
