// Reads proto/gen2/*.schema.json, the single source of generation 2's JSON shapes, into
// one model the generators share: named types, the capabilities' exports and the host
// services' functions. Only the JSON Schema subset the schemas use is understood; anything
// else is refused, so a schema cannot say more than the generated code does.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const INTEGER_FORMATS = ["int32", "int64", "uint32"];
const NUMBER_FORMATS = ["float", "double"];

function fail(where, message) {
  return new Error(`proto/gen2 ${where}: ${message}`);
}

function refName(ref, file, where) {
  const match = /^(?:([\w.]+\.schema\.json))?#\/\$defs\/(\w+)$/.exec(ref);
  if (!match) throw fail(where, `unsupported $ref ${ref}`);
  return { file: match[1] ?? file, name: match[2] };
}

/** A property's schema → a type: string, bytes, bool, int, float, ref, array, map or nullable. */
function typeOf(schema, file, where) {
  if (schema.$ref) return { kind: "ref", ...refName(schema.$ref, file, where) };
  if (schema.anyOf) {
    const others = schema.anyOf.filter((option) => option.type !== "null");
    if (schema.anyOf.length !== 2 || others.length !== 1) throw fail(where, "anyOf must be [T, null]");
    return { kind: "nullable", inner: typeOf(others[0], file, where) };
  }
  switch (schema.type) {
    case "string":
      if (schema.contentEncoding === "base64") return { kind: "bytes" };
      return schema.enum ? { kind: "string", enum: schema.enum } : { kind: "string" };
    case "boolean":
      return { kind: "bool" };
    case "integer":
      if (!INTEGER_FORMATS.includes(schema.format)) throw fail(where, `integer needs a format of ${INTEGER_FORMATS}`);
      return { kind: "int", format: schema.format };
    case "number":
      if (!NUMBER_FORMATS.includes(schema.format)) throw fail(where, `number needs a format of ${NUMBER_FORMATS}`);
      return { kind: "float", format: schema.format };
    case "array":
      return { kind: "array", items: typeOf(schema.items, file, `${where}[]`) };
    case "object":
      if (schema.additionalProperties && !schema.properties) {
        return { kind: "map", values: typeOf(schema.additionalProperties, file, `${where}{}`) };
      }
      throw fail(where, "an inline object must be a map (additionalProperties); name other objects in $defs");
    default:
      throw fail(where, `unsupported type ${JSON.stringify(schema.type)}`);
  }
}

/** A named type: an object with fields, or a bare value (a boolean or string answer). */
function shapeOf(name, schema, file) {
  const where = `${file} ${name}`;
  const description = schema.description;
  if (schema.type !== "object") return { name, file, description, bare: typeOf(schema, file, where) };
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([field, property]) => ({
    name: field,
    type: typeOf(property, file, `${where}.${field}`),
    required: required.has(field),
    description: property.description,
    deprecated: property.deprecated === true,
  }));
  for (const field of required) {
    if (!fields.some((f) => f.name === field)) throw fail(where, `required ${field} is not a property`);
  }
  return { name, file, description, fields };
}

function entriesOf(table, file, kind) {
  return Object.entries(table).map(([wasmName, entry]) => {
    if (!entry.method) throw fail(file, `${wasmName} has no method name`);
    return { wasmName, method: entry.method, request: entry.request ?? null, response: entry.response ?? null, kind };
  });
}

/** Loads and cross-checks every schema of `gen2Dir`. */
export function loadGen2Schemas(gen2Dir) {
  const files = readdirSync(gen2Dir).filter((f) => f.endsWith(".schema.json")).sort();
  const shapes = new Map();
  const capabilities = [];
  const services = [];
  for (const file of files) {
    const schema = JSON.parse(readFileSync(join(gen2Dir, file), "utf8"));
    if (schema.$id !== file) throw fail(file, `$id must be the file name`);
    for (const [name, definition] of Object.entries(schema.$defs ?? {})) {
      if (shapes.has(name)) throw fail(file, `${name} is also defined in ${shapes.get(name).file}`);
      shapes.set(name, shapeOf(name, definition, file));
    }
    const base = { file, title: schema.title, description: schema.description };
    if (schema["x-nd-capability"]) {
      capabilities.push({ ...base, name: schema["x-nd-capability"], exports: entriesOf(schema["x-nd-exports"], file) });
    }
    if (schema["x-nd-service"]) {
      services.push({ ...base, name: schema["x-nd-service"], functions: entriesOf(schema["x-nd-functions"], file) });
    }
  }
  checkReferences(shapes, [...capabilities.flatMap((c) => c.exports), ...services.flatMap((s) => s.functions)]);
  return { shapes: [...shapes.values()], capabilities, services };
}

function checkReferences(shapes, calls) {
  const check = (type, where) => {
    if (type.kind === "ref" && shapes.get(type.name)?.file !== type.file) throw fail(where, `no ${type.file}#/$defs/${type.name}`);
    if (type.kind === "array") check(type.items, where);
    if (type.kind === "map") check(type.values, where);
    if (type.kind === "nullable") check(type.inner, where);
  };
  for (const shape of shapes.values()) {
    for (const field of shape.fields ?? []) check(field.type, `${shape.file} ${shape.name}.${field.name}`);
  }
  for (const call of calls) {
    for (const name of [call.request, call.response]) {
      if (name !== null && !shapes.has(name)) throw fail(call.wasmName, `unknown type ${name}`);
    }
  }
}
