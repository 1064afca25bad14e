import { ServiceError } from "../errors.js";
import type { Gen2Services, UserFunction } from "./gen2-services.js";
import { type JsonObject, toPlain } from "./json-request.js";
import { libraryInScope } from "./plugin-access.js";
import type { SongRef, Track } from "./providers.js";
import { findUser } from "./user-scope.js";

/** Fields of a Track that belong to one user: only in a match scoped to a user. */
const USER_FIELDS = ["starred", "starredAt", "rating", "playCount", "playDate"];

/** The user a match is scoped to, by v0.63's rules (texts included). */
async function scopedUser(services: Gen2Services, username: string): Promise<string> {
  const { access } = services;
  if (access.users !== "all" && access.users.length === 0) {
    throw new ServiceError("matcher: plugin is not authorized to scope by user");
  }
  const user = await findUser(services.users, username);
  if (!user) throw new ServiceError(`matcher: user "${username}" not found`);
  if (access.users !== "all" && !access.users.includes(user.id)) {
    throw new ServiceError(`matcher: plugin is not allowed to act as user "${username}"`);
  }
  return user.userName;
}

/** A track as the plugin may see it: in its libraries, `path` only with filesystem, annotations only when scoped. */
function visible(track: Track | null, services: Gen2Services, scoped: boolean): Track | null {
  if (!track) return null;
  if (typeof track.libraryId === "number" && !libraryInScope(services.access, track.libraryId)) return null;
  const copy: Track = { ...track };
  if (services.permissions.library?.filesystem !== true) delete copy.path;
  if (!scoped) for (const field of USER_FIELDS) delete copy[field];
  return copy;
}

/** Matcher (`matcher`): the host's matcher provider, within the plugin's library and user scope. */
export const MATCHER_FUNCTIONS: Record<string, UserFunction> = {
  async matcher_matchsongs(services, request) {
    const { access, matcher } = services;
    if (access.libraries !== "all" && access.libraries.length === 0) {
      throw new ServiceError("matcher: no libraries configured for this plugin");
    }
    const songs = request.array("songs").map((song, index) => {
      if (song === null || typeof song !== "object" || Array.isArray(song)) {
        throw new ServiceError(`json: cannot unmarshal ${song === null ? "null" : typeof song} into field "songs[${index}]"`);
      }
      return toPlain(song as JsonObject) as SongRef;
    });
    const name = request.object("opts").string("username");
    const username = name === "" ? undefined : await scopedUser(services, name);
    if (songs.length === 0) return { results: [] };
    if (!matcher) throw new ServiceError("matcher: this host has no matcher");
    const matched = await matcher.matchSongs(songs, { username, libraryIds: access.libraries });
    if (matched.length !== songs.length) {
      throw new ServiceError(`matcher: the host answered ${matched.length} results for ${songs.length} songs`);
    }
    return { results: matched.map((track) => visible(track, services, username !== undefined)) };
  },
};
