// Doc comments of a .proto file (from its SourceCodeInfo), as Go comment lines.

// Field numbers of FileDescriptorProto / DescriptorProto / ServiceDescriptorProto
// that make up a location path.
const MESSAGE_TYPE = 4;
const SERVICE = 6;
const FIELD = 2;
const METHOD = 2;
const SYNTAX = 12;

export function commentsOf(file) {
  const byPath = new Map();
  for (const location of file.sourceCodeInfo?.location ?? []) {
    const text = [location.leadingComments, location.trailingComments]
      .filter((comment) => comment && comment.trim() !== "")
      .join("\n");
    if (text !== "") byPath.set((location.path ?? []).join("."), text);
  }
  const lines = (path, indent) => goComment(byPath.get(path.join(".")), indent);
  return {
    fileDoc: () => [
      `// Package ${file.package} is generated from proto/${file.name}.`,
      ...(byPath.has(String(SYNTAX)) ? ["//", ...lines([SYNTAX], "")] : []),
    ],
    message: (messageIndex) => lines([MESSAGE_TYPE, messageIndex], ""),
    field: (messageIndex, fieldIndex) => lines([MESSAGE_TYPE, messageIndex, FIELD, fieldIndex], "\t"),
    service: (serviceIndex) => lines([SERVICE, serviceIndex], ""),
    method: (serviceIndex, methodIndex) => lines([SERVICE, serviceIndex, METHOD, methodIndex], "\t"),
  };
}

function goComment(text, indent) {
  if (text === undefined) return [];
  return text
    .trim()
    .split("\n")
    .map((line) => `${indent}//${line.trim() === "" ? "" : " " + line.trim()}`);
}
