import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { CliError } from "./errors.js";

export type PathKind = "file" | "folder";

/**
 * Checks that a path given on the command line names an existing, readable file or folder,
 * so a command fails with what is wrong and where instead of a raw ENOENT or EISDIR.
 * `what` names the argument in the message ("package", "plugin folder", ...).
 */
export async function checkPathArgument(path: string, kind: PathKind, what: string): Promise<void> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw pathProblem(path, what, error);
  });
  if (kind === "file" && info.isDirectory()) throw pathError(`${what} ${path} is a folder; give a file`);
  if (kind === "folder" && !info.isDirectory()) throw pathError(`${what} ${path} is a file; give a folder`);
  await access(path, constants.R_OK).catch((error: NodeJS.ErrnoException) => {
    throw pathProblem(path, what, error);
  });
}

/** An error of the file system about a path argument, in the user's terms. */
export function pathProblem(path: string, what: string, error: NodeJS.ErrnoException): CliError {
  switch (error.code) {
    case "ENOENT":
    case "ENOTDIR":
      return pathError(`${what} ${path} does not exist`, error);
    case "EACCES":
    case "EPERM":
      return pathError(`cannot read ${what} ${path}: permission denied`, error);
    case "EISDIR":
      return pathError(`${what} ${path} is a folder; give a file`, error);
    default:
      return pathError(`cannot read ${what} ${path}: ${error.message}`, error);
  }
}

function pathError(message: string, cause?: unknown): CliError {
  return new CliError("path", message, { cause });
}
