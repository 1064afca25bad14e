// The websocket host service: its messages and its client (permission "websocket").
export * from "../gen/host/websocket/websocket";
export * from "../gen/host/websocket/client";
