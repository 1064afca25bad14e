//go:build wasip1

package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/extism/go-pdk"
)

// Scrobbler: config "authorized" = "false" refuses every user; config "scrobble_error"
// fails now playing, scrobble and playback report with that text (Navidrome reads
// "scrobbler(retry_later)" and the like in it).

//go:wasmexport nd_scrobbler_is_authorized
func ndScrobblerIsAuthorized() int32 {
	record("nd_scrobbler_is_authorized", pdk.Input())
	return output(configValue("authorized") != "false")
}

func scrobbleEvent(export string) int32 {
	record(export, pdk.Input())
	if problem := configValue("scrobble_error"); problem != "" {
		return fail(errors.New(problem))
	}
	return 0
}

//go:wasmexport nd_scrobbler_now_playing
func ndScrobblerNowPlaying() int32 { return scrobbleEvent("nd_scrobbler_now_playing") }

//go:wasmexport nd_scrobbler_scrobble
func ndScrobblerScrobble() int32 { return scrobbleEvent("nd_scrobbler_scrobble") }

//go:wasmexport nd_scrobbler_playback_report
func ndScrobblerPlaybackReport() int32 { return scrobbleEvent("nd_scrobbler_playback_report") }

// nd_lyrics_get_lyrics answers one LRC text naming the track.
//
//go:wasmexport nd_lyrics_get_lyrics
func ndLyricsGetLyrics() int32 {
	var request struct {
		Track struct {
			Title  string `json:"title"`
			Artist string `json:"artist"`
		} `json:"track"`
	}
	if err := json.Unmarshal(pdk.Input(), &request); err != nil {
		return fail(err)
	}
	text := fmt.Sprintf("[00:00.00]%s by %s", request.Track.Title, request.Track.Artist)
	return output(map[string]any{"lyrics": []map[string]string{{"lang": "eng", "text": text}}})
}

type songRef struct {
	Name string `json:"name"`
}

// nd_get_sonic_similar_tracks answers count songs named after the asked one, similarity 1 − 0.1·i.
//
//go:wasmexport nd_get_sonic_similar_tracks
func ndGetSonicSimilarTracks() int32 {
	var request struct {
		Song  songRef `json:"song"`
		Count int32   `json:"count"`
	}
	if err := json.Unmarshal(pdk.Input(), &request); err != nil {
		return fail(err)
	}
	matches := []map[string]any{}
	for i := int32(0); i < request.Count; i++ {
		matches = append(matches, map[string]any{
			"song":       songRef{Name: fmt.Sprintf("%s #%d", request.Song.Name, i+1)},
			"similarity": 1 - 0.1*float64(i),
		})
	}
	return output(map[string]any{"matches": matches})
}
