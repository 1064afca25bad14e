// The config host service: its messages and its client (permission "config").
export * from "../gen/host/config/config";
export * from "../gen/host/config/client";
