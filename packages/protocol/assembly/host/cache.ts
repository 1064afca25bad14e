// The cache host service: its messages and its client (permission "cache").
export * from "../gen/host/cache/cache";
export * from "../gen/host/cache/client";
