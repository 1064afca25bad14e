// The JSON body of ListenBrainz's POST /1/submit-listens.
import { JSON } from "json-as";
import { TrackInfo } from "@nd/protocol/assembly";

@json
class AdditionalInfo {
  @alias("submission_client")
  submissionClient: string = "nd as-scrobbler";

  @alias("duration_ms")
  durationMs: i64 = 0;

  @alias("recording_mbid")
  @omitif((self: AdditionalInfo) => self.recordingMbid.length == 0)
  recordingMbid: string = "";

  @alias("release_mbid")
  @omitif((self: AdditionalInfo) => self.releaseMbid.length == 0)
  releaseMbid: string = "";

  @alias("artist_mbids")
  artistMbids: string[] = [];
}

@json
class TrackMetadata {
  @alias("artist_name")
  artistName: string = "";

  @alias("track_name")
  trackName: string = "";

  @alias("release_name")
  @omitif((self: TrackMetadata) => self.releaseName.length == 0)
  releaseName: string = "";

  @alias("additional_info")
  additionalInfo: AdditionalInfo = new AdditionalInfo();
}

@json
class Listen {
  @alias("listened_at")
  @omitif((self: Listen) => self.listenedAt == 0)
  listenedAt: i64 = 0;

  @alias("track_metadata")
  trackMetadata: TrackMetadata = new TrackMetadata();
}

@json
class Submission {
  @alias("listen_type")
  listenType: string = "";

  payload: Listen[] = [];
}

function trackMetadata(track: TrackInfo): TrackMetadata {
  const metadata = new TrackMetadata();
  const names = new Array<string>();
  for (let i = 0; i < track.artists.length; i++) {
    names.push(track.artists[i].name);
    if (track.artists[i].mbid != "") metadata.additionalInfo.artistMbids.push(track.artists[i].mbid);
  }
  metadata.artistName = names.join(", ");
  metadata.trackName = track.name;
  metadata.releaseName = track.album;
  metadata.additionalInfo.durationMs = <i64>track.length * 1000;
  metadata.additionalInfo.recordingMbid = track.mbid;
  metadata.additionalInfo.releaseMbid = track.albumMbid;
  return metadata;
}

/** The body announcing the track being played now ("playing_now" has no timestamp). */
export function playingNowBody(track: TrackInfo): string {
  const listen = new Listen();
  listen.trackMetadata = trackMetadata(track);
  const submission = new Submission();
  submission.listenType = "playing_now";
  submission.payload.push(listen);
  return JSON.stringify(submission);
}

/** The body recording one finished listen at `listenedAt` (unix seconds). */
export function singleListenBody(track: TrackInfo, listenedAt: i64): string {
  const listen = new Listen();
  listen.listenedAt = listenedAt;
  listen.trackMetadata = trackMetadata(track);
  const submission = new Submission();
  submission.listenType = "single";
  submission.payload.push(listen);
  return JSON.stringify(submission);
}
