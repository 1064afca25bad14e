import { ServiceError } from "../errors.js";
import type { Gen2Services, UserFunction } from "./gen2-services.js";
import { libraryInScope } from "./plugin-access.js";
import type { LibraryInfo } from "./providers.js";

/** Where a library is mounted for a plugin with `library.filesystem`. */
export const libraryMountPoint = (id: number) => `/libraries/${id}`;

/** v0.63's Library JSON: `path` and `mountPoint` only with the filesystem permission. */
function shown(library: LibraryInfo, filesystem: boolean): object {
  const { id, name, lastScanAt, totalSongs, totalAlbums, totalArtists, totalSize, totalDuration } = library;
  const paths = filesystem ? { path: library.path, mountPoint: libraryMountPoint(id) } : {};
  return { id, name, ...paths, lastScanAt, totalSongs, totalAlbums, totalArtists, totalSize, totalDuration };
}

async function librariesOf(services: Gen2Services): Promise<LibraryInfo[]> {
  return services.libraries ? services.libraries.listLibraries() : [];
}

const hasFilesystem = (services: Gen2Services) => services.permissions.library?.filesystem === true;

/** Library (`library`): the libraries in the plugin's scope, from the host's libraries provider. */
export const LIBRARY_FUNCTIONS: Record<string, UserFunction> = {
  async library_getlibrary(services, request) {
    const id = request.int32("id");
    if (!libraryInScope(services.access, id)) {
      throw new ServiceError(`library not accessible: library ID ${id} is not in the allowed list`);
    }
    const library = (await librariesOf(services)).find((candidate) => candidate.id === id);
    if (!library) throw new ServiceError("library not found: data not found");
    return { result: shown(library, hasFilesystem(services)) };
  },
  async library_getalllibraries(services) {
    const inScope = (await librariesOf(services)).filter((library) => libraryInScope(services.access, library.id));
    return { result: inScope.map((library) => shown(library, hasFilesystem(services))) };
  },
};
