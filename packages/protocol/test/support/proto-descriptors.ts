// The messages declared in proto/, read from buf's descriptors, so tests can
// check the generated code against the schema rather than against itself.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// @ts-expect-error plain ES module without type declarations
import { loadProtoFiles } from "../../codegen/descriptors.mjs";

export interface FieldDescriptor {
  name: string;
  number: number;
  label: "LABEL_OPTIONAL" | "LABEL_REPEATED" | "LABEL_REQUIRED";
  type: string;
  typeName?: string;
  jsonName: string;
}

export interface MessageDescriptor {
  name: string;
  field?: FieldDescriptor[];
  nestedType?: MessageDescriptor[];
  options?: { mapEntry?: boolean };
}

interface FileDescriptor {
  name: string;
  package: string;
  messageType?: MessageDescriptor[];
}

/** A message with the names it has in the schema and in the generated module. */
export interface DeclaredMessage {
  /** e.g. "http.HttpRequest.HeadersEntry" */
  fullName: string;
  /** e.g. "HttpRequest_HeadersEntry", the export of the generated module */
  exportName: string;
  descriptor: MessageDescriptor;
}

export interface DeclaredFile {
  /** e.g. "host/http/http.proto" */
  name: string;
  /** proto package, also the namespace @nd/protocol exports it under */
  package: string;
  messages: DeclaredMessage[];
}

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const protoDir = join(packageDir, "..", "..", "proto");

function flatten(prefix: string, exportPrefix: string, types: MessageDescriptor[]): DeclaredMessage[] {
  return types.flatMap((descriptor) => {
    const fullName = `${prefix}.${descriptor.name}`;
    const exportName = exportPrefix + descriptor.name;
    return [
      { fullName, exportName, descriptor },
      ...flatten(fullName, `${exportName}_`, descriptor.nestedType ?? []),
    ];
  });
}

export function loadDeclaredFiles(): DeclaredFile[] {
  const files: FileDescriptor[] = loadProtoFiles(packageDir, protoDir);
  return files.map((file) => ({
    name: file.name,
    package: file.package,
    messages: flatten(file.package, "", file.messageType ?? []),
  }));
}
