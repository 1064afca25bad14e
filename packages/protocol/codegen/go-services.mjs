// Go code for services: capability interfaces and their export packages (files
// under api/), host-service clients and their wasm imports (files under host/).
import { capabilityPackage, prefixed, snakeCase } from "./go-naming.mjs";

const MODULE = "github.com/nd-music/nd/packages/protocol/go";
const PLUGIN_IMPORT = `"${MODULE}/plugin"`;

function localType(file, typeName) {
  return typeName.slice(`.${file.package}.`.length).replaceAll(".", "_");
}

function signature(file, method) {
  return `${method.name}(ctx context.Context, req *${localType(file, method.inputType)}) (*${localType(file, method.outputType)}, error)`;
}

function interfaceSource(file, service, serviceIndex, comments, doc) {
  const protoDoc = comments.service(serviceIndex);
  return [
    ...doc,
    ...(protoDoc.length > 0 ? ["//", ...protoDoc] : []),
    `type ${service.name} interface {`,
    ...service.method.flatMap((method, methodIndex) => [
      ...comments.method(serviceIndex, methodIndex),
      `\t${signature(file, method)}`,
    ]),
    `}`,
  ];
}

/** Capability interface and its Unimplemented struct, for the api package. */
export function capabilitySource(file, service, serviceIndex, comments) {
  const unimplemented = `Unimplemented${service.name}`;
  const pkg = capabilityPackage(service.name);
  return [
    ...interfaceSource(file, service, serviceIndex, comments, [
      `// ${service.name} is a capability: implement it, pass the implementation to`,
      `// ${pkg}.Register and embed ${unimplemented} to leave methods out.`,
    ]),
    "",
    `// ${unimplemented} answers plugin:not_implemented to every method of`,
    `// ${service.name}. Embed it in a plugin type and override what the plugin supports.`,
    `type ${unimplemented} struct{}`,
    ...service.method.flatMap((method) => [
      "",
      `// ${method.name} answers plugin:not_implemented.`,
      `func (${unimplemented}) ${method.name}(context.Context, *${localType(file, method.inputType)}) (*${localType(file, method.outputType)}, error) {`,
      `\treturn nil, plugin.ErrNotImplemented`,
      `}`,
    ]),
  ].join("\n");
}

/** The files of gen/capability/<name>: Register, and the exports (wasm only). */
export function capabilityPackageFiles(file, service, header) {
  const pkg = capabilityPackage(service.name);
  const prefix = `${snakeCase(service.name)}_`;
  const apiImport = `"${file.options.goPackage}"`;
  const register = [
    header,
    `// Package ${pkg} exports the ${service.name} capability: importing it adds the`,
    `// ${prefix}* functions to the plugin module, and Register sets who answers them.`,
    `package ${pkg}`,
    "",
    `import ${apiImport}`,
    "",
    `var impl api.${service.name} = api.Unimplemented${service.name}{}`,
    "",
    `// Register makes p answer the ${service.name} calls of the host. Call it from an`,
    `// init function of package main: main itself does not run in a plugin.`,
    `func Register(p api.${service.name}) {`,
    `\tif p == nil {`,
    `\t\tpanic("${pkg}.Register: the implementation is nil")`,
    `\t}`,
    `\timpl = p`,
    `}`,
    "",
  ].join("\n");
  const exports = [
    header,
    `package ${pkg}`,
    "",
    `import (`,
    `\t"context"`,
    "",
    `\t${apiImport}`,
    `\t${PLUGIN_IMPORT}`,
    `)`,
    "",
    `//go:wasmexport ${prefix}api_version`,
    `func exportAPIVersion() uint64 {`,
    `\treturn plugin.RespondAPIVersion()`,
    `}`,
    ...service.method.flatMap((method) => [
      "",
      `//go:wasmexport ${prefix}${snakeCase(method.name)}`,
      `func ${prefixed("export", method.name)}(ptr, size uint32) uint64 {`,
      `\treq := new(api.${localType(file, method.inputType)})`,
      `\tif !plugin.Request(ptr, size, req) {`,
      `\t\treturn 0`,
      `\t}`,
      `\tres, err := impl.${method.name}(context.Background(), req)`,
      `\treturn plugin.Respond(res, err)`,
      `}`,
    ]),
    "",
  ].join("\n");
  return { [`capability/${pkg}/register.go`]: register, [`capability/${pkg}/exports_wasm.go`]: exports };
}

/** Host-service interface, constructor and the client calling the host. */
export function hostServiceSource(file, service, serviceIndex, comments) {
  const client = `host${service.name}`;
  return [
    ...interfaceSource(file, service, serviceIndex, comments, [
      `// ${service.name} is a host service; its calls need the "${file.package}"`,
      `// permission in manifest.json.`,
    ]),
    "",
    `// New${service.name} returns the client that calls the host. Plugin code that`,
    `// takes a ${service.name} can be unit tested natively with a fake instead.`,
    `func New${service.name}() ${service.name} {`,
    `\treturn ${client}{}`,
    `}`,
    "",
    `type ${client} struct{}`,
    ...service.method.flatMap((method) => [
      "",
      `func (${client}) ${method.name}(_ context.Context, req *${localType(file, method.inputType)}) (*${localType(file, method.outputType)}, error) {`,
      `\tres := new(${localType(file, method.outputType)})`,
      `\tcall := plugin.NewHostCall("${snakeCase(method.name)}", req)`,
      `\tif err := call.Finish(${prefixed("host", method.name)}(call.Ptr, call.Len), res); err != nil {`,
      `\t\treturn nil, err`,
      `\t}`,
      `\treturn res, nil`,
      `}`,
    ]),
  ].join("\n");
}

/** The env imports of a host service (wasm) and their native stand-ins. */
export function hostImportFiles(file, service, header) {
  const wasm = [
    header,
    `package ${file.package}`,
    ...service.method.flatMap((method) => [
      "",
      `//go:wasmimport env ${snakeCase(method.name)}`,
      `func ${prefixed("host", method.name)}(ptr, size uint32) uint64`,
    ]),
    "",
  ].join("\n");
  const native = [
    header,
    `//go:build !wasm`,
    "",
    `package ${file.package}`,
    "",
    `// Outside WebAssembly there is no host: plugin.HostCall.Finish reports`,
    `// plugin.ErrHostUnavailable without looking at these results.`,
    ...service.method.flatMap((method) => [
      "",
      `func ${prefixed("host", method.name)}(ptr, size uint32) uint64 { return 0 }`,
    ]),
    "",
  ].join("\n");
  return { "imports_wasm.go": wasm, "imports_other.go": native };
}
