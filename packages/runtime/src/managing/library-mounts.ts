import type { HostServicesOptions, PluginAccess } from "@nd/host-services";
import type { ManifestV2 } from "@nd/manifest";
import type { LibraryMountSpec } from "../threads/worker/wasi-files/index.js";

/**
 * The library folders a generation-2 plugin sees through WASI, at `/libraries/<id>`: only with
 * `library.filesystem`, only the libraries in its scope, writable only with write access.
 */
export async function libraryMounts(
  manifest: ManifestV2,
  access: PluginAccess | undefined,
  libraries: HostServicesOptions["libraries"],
): Promise<LibraryMountSpec[]> {
  if (!manifest.permissions?.library?.filesystem || !access || !libraries) return [];
  const inScope = (id: number) => access.libraries === "all" || access.libraries.includes(id);
  return (await libraries.listLibraries())
    .filter((library) => inScope(library.id))
    .map((library) => ({ guestPath: `/libraries/${library.id}`, hostPath: library.path, writable: access.writeAccess }));
}
