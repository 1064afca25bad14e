// Builds a message in which every field holds a value other than its default,
// from the schema alone, so a round trip exercises every field on the wire.
import type { DeclaredMessage, FieldDescriptor, MessageDescriptor } from "./proto-descriptors.js";

export type Sample = Record<string, unknown>;

export class SampleBuilder {
  private readonly byFullName: Map<string, MessageDescriptor>;

  constructor(messages: readonly DeclaredMessage[]) {
    this.byFullName = new Map(messages.map((m) => [m.fullName, m.descriptor]));
  }

  /** `seed` makes values differ between calls, e.g. between repeated elements. */
  message(fullName: string, seed = 1): Sample {
    const descriptor = this.lookup(fullName);
    const sample: Sample = {};
    for (const field of descriptor.field ?? []) {
      sample[field.jsonName] = this.field(field, seed);
    }
    return sample;
  }

  private lookup(fullName: string): MessageDescriptor {
    const descriptor = this.byFullName.get(fullName.replace(/^\./, ""));
    if (!descriptor) throw new Error(`no message ${fullName} in the schema`);
    return descriptor;
  }

  private field(field: FieldDescriptor, seed: number): unknown {
    if (field.type === "TYPE_MESSAGE" && this.lookup(field.typeName!).options?.mapEntry) {
      return this.map(field, seed);
    }
    if (field.label === "LABEL_REPEATED") {
      return [this.single(field, seed), this.single(field, seed + 1)];
    }
    return this.single(field, seed);
  }

  private map(field: FieldDescriptor, seed: number): Record<string, unknown> {
    const entry = this.lookup(field.typeName!);
    const [keyField, valueField] = entry.field ?? [];
    if (keyField?.type !== "TYPE_STRING" || !valueField) {
      throw new Error(`map ${field.name}: only string keys are supported by this test helper`);
    }
    return {
      [`${field.name}-key-${seed}`]: this.single(valueField, seed),
      [`${field.name}-other-key-${seed}`]: this.single(valueField, seed + 1),
    };
  }

  private single(field: FieldDescriptor, seed: number): unknown {
    const n = field.number + seed * 100;
    switch (field.type) {
      case "TYPE_STRING":
        return `${field.name} ${seed} ✓ é`;
      case "TYPE_BYTES":
        return Uint8Array.of(n & 0xff, 0, 0xff);
      case "TYPE_BOOL":
        return true;
      case "TYPE_INT32":
        // Negative int32 values take ten bytes on the wire: the widest case.
        return -(n * 1000 + 7);
      case "TYPE_INT64":
        // Beyond 2^53, so a lossy conversion through number would show.
        return -(2n ** 62n) + BigInt(n);
      case "TYPE_DOUBLE":
        return -n - 0.125;
      case "TYPE_MESSAGE":
        return this.message(field.typeName!, seed + 1);
      default:
        throw new Error(`field ${field.name}: type ${field.type} is not handled by this test helper`);
    }
  }
}
