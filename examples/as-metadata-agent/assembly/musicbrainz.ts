// The parts of the MusicBrainz web service (/ws/2, JSON) this plugin reads.
import { JSON } from "json-as";
import { Result } from "@nd/protocol/assembly";
import { fetchText } from "./fetch";

/** Search hits below this score (0-100) are not trusted to be the artist or album asked for. */
const MIN_SCORE = 90;

@json
export class MbArtist {
  id: string = "";
  name: string = "";
  score: i32 = 0;
}

@json
class MbArtistSearch {
  artists: MbArtist[] = [];
}

@json
export class MbRelation {
  type: string = "";
  @alias("target-type")
  targetType: string = "";
  artist: MbArtist | null = null;
}

@json
class MbArtistWithRelations {
  id: string = "";
  name: string = "";
  relations: MbRelation[] = [];
}

@json
export class MbReleaseGroup {
  id: string = "";
  title: string = "";
  score: i32 = 0;
}

@json
class MbReleaseGroupSearch {
  @alias("release-groups")
  releaseGroups: MbReleaseGroup[] = [];
}

/** A Lucene phrase for the MusicBrainz search syntax: field:"value", quotes escaped. */
function phrase(field: string, value: string): string {
  return field + ':"' + value.replaceAll("\\", "\\\\").replaceAll('"', '\\"') + '"';
}

/** The best artist hit for `name`, or plugin:not_found. */
export function searchArtist(baseUrl: string, name: string): Result<MbArtist> {
  if (name == "") return Result.notFound<MbArtist>();
  const url = baseUrl + "/ws/2/artist?fmt=json&limit=1&query=" + encodeURIComponent(phrase("artist", name));
  const body = fetchText(url);
  if (!body.isOk) return body.forward<MbArtist>();
  const hits = JSON.parse<MbArtistSearch>(body.value!).artists;
  if (hits.length == 0 || hits[0].score < MIN_SCORE) return Result.notFound<MbArtist>();
  return Result.ok(hits[0]);
}

/** The MBID given, or the one found by name. */
export function resolveArtistMbid(baseUrl: string, mbid: string, name: string): Result<string> {
  if (mbid != "") return Result.ok(mbid);
  const artist = searchArtist(baseUrl, name);
  if (!artist.isOk) return artist.forward<string>();
  return Result.ok(artist.value!.id);
}

/** Artists linked to `mbid` by artist-artist relations (members, collaborations, ...), without duplicates. */
export function relatedArtists(baseUrl: string, mbid: string): Result<Array<MbArtist>> {
  const url = baseUrl + "/ws/2/artist/" + encodeURIComponent(mbid) + "?fmt=json&inc=artist-rels";
  const body = fetchText(url);
  if (!body.isOk) return body.forward<Array<MbArtist>>();
  const relations = JSON.parse<MbArtistWithRelations>(body.value!).relations;
  const seen = new Set<string>();
  const related = new Array<MbArtist>();
  for (let i = 0; i < relations.length; i++) {
    const artist = relations[i].artist;
    if (artist === null || relations[i].targetType != "artist" || seen.has(artist.id)) continue;
    seen.add(artist.id);
    related.push(artist);
  }
  return Result.ok(related);
}

/** The best release group (album) hit for `title` by `artist`, or plugin:not_found. */
export function searchReleaseGroup(baseUrl: string, title: string, artist: string): Result<MbReleaseGroup> {
  if (title == "") return Result.notFound<MbReleaseGroup>();
  let query = phrase("releasegroup", title);
  if (artist != "") query += " AND " + phrase("artist", artist);
  const url = baseUrl + "/ws/2/release-group?fmt=json&limit=1&query=" + encodeURIComponent(query);
  const body = fetchText(url);
  if (!body.isOk) return body.forward<MbReleaseGroup>();
  const hits = JSON.parse<MbReleaseGroupSearch>(body.value!).releaseGroups;
  if (hits.length == 0 || hits[0].score < MIN_SCORE) return Result.notFound<MbReleaseGroup>();
  return Result.ok(hits[0]);
}
