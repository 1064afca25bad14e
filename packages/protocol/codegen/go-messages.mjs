// Go message structs with Marshal and Unmarshal over the hand-written wire package.
import { goFieldName } from "./go-naming.mjs";

const SCALARS = {
  TYPE_STRING: { goType: "string", codec: "String" },
  TYPE_BYTES: { goType: "[]byte", codec: "BytesField" },
  TYPE_INT32: { goType: "int32", codec: "Int32" },
  TYPE_INT64: { goType: "int64", codec: "Int64" },
  TYPE_BOOL: { goType: "bool", codec: "Bool" },
  TYPE_DOUBLE: { goType: "float64", codec: "Double" },
};

class UnsupportedFieldError extends Error {
  constructor(where, what) {
    super(`${where}: ${what} is not supported by the Go generator (codegen/go-messages.mjs)`);
    this.name = "UnsupportedFieldError";
    this.kind = "unsupported-field";
  }
}

/** Every message of a file, nested ones flattened as Parent_Child (map entries excepted). */
export function collectMessages(file) {
  const found = [];
  const visit = (message, goName, index) => {
    found.push({ message, goName, index });
    for (const nested of message.nestedType ?? []) {
      if (!nested.options?.mapEntry) visit(nested, `${goName}_${nested.name}`, undefined);
    }
  };
  (file.messageType ?? []).forEach((message, index) => visit(message, message.name, index));
  return found;
}

/** Classifies a field into the shape the templates below know. */
function describeField(file, message, messageGoName, field) {
  const where = `${file.name}: ${file.package}.${messageGoName}.${field.name}`;
  if (field.proto3Optional || field.oneofIndex !== undefined) {
    throw new UnsupportedFieldError(where, "optional/oneof");
  }
  const name = goFieldName(field.name);
  const repeated = field.label === "LABEL_REPEATED";
  if (field.type === "TYPE_MESSAGE") {
    const mapEntry = (message.nestedType ?? []).find(
      (nested) => nested.options?.mapEntry && field.typeName.endsWith(`.${message.name}.${nested.name}`),
    );
    if (mapEntry) {
      const types = mapEntry.field.map((entryField) => entryField.type);
      if (types.some((type) => type !== "TYPE_STRING")) {
        throw new UnsupportedFieldError(where, `map with ${types.join(", ")} keys/values`);
      }
      return { kind: "map", name, number: field.number, goType: "map[string]string" };
    }
    const target = messageTypeName(file, field.typeName, where);
    return repeated
      ? { kind: "repeatedMessage", name, number: field.number, goType: `[]*${target}`, target }
      : { kind: "message", name, number: field.number, goType: `*${target}`, target };
  }
  const scalar = SCALARS[field.type];
  if (!scalar) throw new UnsupportedFieldError(where, field.type);
  if (repeated) throw new UnsupportedFieldError(where, `repeated ${field.type}`);
  return { kind: "scalar", name, number: field.number, ...scalar };
}

function messageTypeName(file, typeName, where) {
  const prefix = `.${file.package}.`;
  if (!typeName.startsWith(prefix)) {
    throw new UnsupportedFieldError(where, `a message of another package (${typeName})`);
  }
  return typeName.slice(prefix.length).replaceAll(".", "_");
}

/** The Go source of one message: struct, Marshal, Unmarshal. */
export function messageSource(file, { message, goName, index }, comments) {
  const fields = (message.field ?? []).map((field) => describeField(file, message, goName, field));
  const doc = index === undefined ? [] : comments.message(index);
  const fieldDocs = (message.field ?? []).map((_, fieldIndex) =>
    index === undefined ? [] : comments.field(index, fieldIndex),
  );
  return [
    ...(doc.length > 0 ? doc : [`// ${goName} is the protobuf message ${file.package}.${goName}.`]),
    ...structSource(goName, fields, fieldDocs),
    "",
    ...marshalSource(goName, fields),
    "",
    ...unmarshalSource(file, goName, fields),
  ].join("\n");
}

// gofmt aligns the types of consecutive fields; a comment line ends a run.
function structSource(goName, fields, fieldDocs) {
  if (fields.length === 0) return [`type ${goName} struct{}`];
  const lines = [`type ${goName} struct {`];
  let run = [];
  const flush = () => {
    const width = Math.max(...run.map((field) => field.name.length));
    for (const field of run) lines.push(`\t${field.name.padEnd(width)} ${field.goType}`);
    run = [];
  };
  fields.forEach((field, i) => {
    if (fieldDocs[i].length > 0) {
      if (run.length > 0) flush();
      lines.push(...fieldDocs[i]);
    }
    run.push(field);
  });
  flush();
  lines.push("}");
  return lines;
}

function marshalSource(goName, fields) {
  const writes = fields.map((field) => {
    switch (field.kind) {
      case "scalar":
        return [`\te.${field.codec}(${field.number}, m.${field.name})`];
      case "map":
        return [`\te.StringMap(${field.number}, m.${field.name})`];
      case "message":
        return [`\te.Message(${field.number}, m.${field.name}, m.${field.name} != nil)`];
      case "repeatedMessage":
        return [
          `\tfor _, v := range m.${field.name} {`,
          `\t\te.RepeatedMessage(${field.number}, v)`,
          `\t}`,
        ];
    }
  });
  return [
    `// Marshal encodes m in the protobuf binary format; a nil m encodes as empty.`,
    `func (m *${goName}) Marshal() []byte {`,
    `\tif m == nil {`,
    `\t\treturn nil`,
    `\t}`,
    ...(fields.length === 0
      ? [`\treturn []byte{}`]
      : [`\tvar e wire.Encoder`, ...writes.flat(), `\treturn e.Bytes()`]),
    `}`,
  ];
}

function readCase(field) {
  switch (field.kind) {
    case "scalar":
      return [`\t\t\tm.${field.name}, err = d.${field.codec}(t)`];
    case "map":
      return [`\t\t\terr = d.StringMapEntry(t, &m.${field.name})`];
    case "message":
      return [
        `\t\t\tif m.${field.name} == nil {`,
        `\t\t\t\tm.${field.name} = new(${field.target})`,
        `\t\t\t}`,
        `\t\t\terr = d.Message(t, m.${field.name})`,
      ];
    case "repeatedMessage":
      return [
        `\t\t\tv := new(${field.target})`,
        `\t\t\terr = d.Message(t, v)`,
        `\t\t\tm.${field.name} = append(m.${field.name}, v)`,
      ];
  }
}

function unmarshalSource(file, goName, fields) {
  return [
    `// Unmarshal decodes data into m, skipping fields it does not know. It keeps`,
    `// no reference to data.`,
    `func (m *${goName}) Unmarshal(data []byte) error {`,
    `\td := wire.NewDecoder(data)`,
    `\tfor d.More() {`,
    `\t\tfield, t, err := d.Tag()`,
    `\t\tif err != nil {`,
    `\t\t\treturn wire.MessageError("${file.package}.${goName}", 0, err)`,
    `\t\t}`,
    `\t\tswitch field {`,
    ...fields.flatMap((field) => [`\t\tcase ${field.number}:`, ...readCase(field)]),
    `\t\tdefault:`,
    `\t\t\terr = d.Skip(t)`,
    `\t\t}`,
    `\t\tif err != nil {`,
    `\t\t\treturn wire.MessageError("${file.package}.${goName}", field, err)`,
    `\t\t}`,
    `\t}`,
    `\treturn nil`,
    `}`,
  ];
}
