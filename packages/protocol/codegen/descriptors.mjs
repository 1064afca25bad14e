// Parses proto/ with buf and returns the FileDescriptorSet as plain JSON
// (google.protobuf.FileDescriptorProto objects), for the SDK generators.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export function loadProtoFiles(packageDir, protoDir) {
  const buf = join(packageDir, "node_modules", ".bin", "buf");
  const json = execFileSync(buf, ["build", protoDir, "-o", "-#format=json"], {
    cwd: packageDir,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(json.toString("utf8")).file;
}
