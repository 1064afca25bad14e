// The SubsonicAPI host service: its messages and its client (permission "subsonicapi").
export * from "../gen/host/subsonicapi/subsonicapi";
export * from "../gen/host/subsonicapi/client";
