// The scheduler host service: its messages and its client (permission "scheduler").
export * from "../gen/host/scheduler/scheduler";
export * from "../gen/host/scheduler/client";
