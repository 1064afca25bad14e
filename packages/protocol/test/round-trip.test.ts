import { describe, expect, test } from "vitest";
import * as protocol from "../src/index.js";
import type { MessageCodec } from "../src/index.js";
import { loadDeclaredFiles } from "./support/proto-descriptors.js";
import { SampleBuilder } from "./support/sample-message.js";

const files = loadDeclaredFiles();
const builder = new SampleBuilder(files.flatMap((file) => file.messages));

function generatedModule(protoPackage: string): Record<string, unknown> {
  const module = (protocol as unknown as Record<string, Record<string, unknown>>)[protoPackage];
  if (!module) throw new Error(`@nd/protocol exports no namespace for proto package ${protoPackage}`);
  return module;
}

function isMessageCodec(value: unknown): value is MessageCodec<Record<string, unknown>> {
  const candidate = value as Partial<MessageCodec<unknown>> | undefined;
  return typeof candidate?.encode === "function" && typeof candidate.decode === "function";
}

function exportedCodecs(protoPackage: string): string[] {
  return Object.entries(generatedModule(protoPackage))
    .filter(([, value]) => isMessageCodec(value))
    .map(([name]) => name);
}

test("the schema declares all eight proto files", () => {
  expect(files.map((file) => file.name).sort()).toEqual([
    "api/api.proto",
    "host/artwork/artwork.proto",
    "host/cache/cache.proto",
    "host/config/config.proto",
    "host/http/http.proto",
    "host/scheduler/scheduler.proto",
    "host/subsonicapi/subsonicapi.proto",
    "host/websocket/websocket.proto",
  ]);
});

describe.each(files)("$name", (file) => {
  test("every declared message has a generated codec, and no codec lacks a declaration", () => {
    const declared = file.messages.map((message) => message.exportName).sort();
    expect(exportedCodecs(file.package).sort()).toEqual(declared);
  });

  test.each(file.messages)("$fullName round-trips with every field set", ({ fullName, exportName, descriptor }) => {
    const codec = generatedModule(file.package)[exportName];
    if (!isMessageCodec(codec)) throw new Error(`${exportName} is not a message codec`);
    const defaults = codec.create();
    const fieldNames = (descriptor.field ?? []).map((field) => field.jsonName);
    expect(Object.keys(defaults).sort()).toEqual([...fieldNames].sort());

    const message = builder.message(fullName);
    for (const name of fieldNames) expect(message[name], name).not.toEqual(defaults[name]);

    const bytes = codec.encode(message).finish();
    expect(bytes.length > 0 || fieldNames.length === 0).toBe(true);
    expect(codec.decode(bytes)).toEqual(message);
    expect(codec.fromJSON(codec.toJSON(message))).toEqual(message);
  });
});
