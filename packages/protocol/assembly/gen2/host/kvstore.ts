// The kvstore host service (extism:host/user); each function imports only its own host function.
export * from "../gen/host/kvstore";
