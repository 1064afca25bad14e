import type { LibrariesProvider, LibraryInfo, UsersProvider } from "../../src/index.js";

/** A music server's users: alice (u1), bob (u2, admin), carol (u3, admin). */
export const testUsers: UsersProvider = {
  listUsers: async () => [
    { id: "u1", userName: "alice", name: "Alice", isAdmin: false },
    { id: "u2", userName: "bob", name: "Bob", isAdmin: true },
    { id: "u3", userName: "carol", name: "Carol", isAdmin: true },
  ],
};

const library = (id: number, name: string): LibraryInfo => ({
  id,
  name,
  path: `/music/${name}`,
  lastScanAt: 1_700_000_000 + id,
  totalSongs: 10 * id,
  totalAlbums: id,
  totalArtists: 0,
  totalSize: 1_000_000 * id,
  totalDuration: 60.5 * id,
});

/** A music server's libraries 1 (main), 2 (audiobooks), 3 (vinyl). */
export const testLibraries: LibrariesProvider = {
  listLibraries: async () => [library(1, "main"), library(2, "audiobooks"), library(3, "vinyl")],
};
