// The http host service: its messages and its client (permission "http").
export * from "../gen/host/http/http";
export * from "../gen/host/http/client";
