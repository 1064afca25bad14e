//go:build wasip1

package main

import (
	"errors"
	"strings"

	"github.com/extism/go-pdk"
)

// Every export answers 0 with its JSON output, or -1 with the error text set.

//go:wasmexport nd_on_init
func ndOnInit() int32 {
	a := newAgent()
	var problems []string
	for key, value := range map[string]string{"musicbrainz_url": a.musicBrainzURL, "wikipedia_url": a.wikipediaURL} {
		if problem := settingsProblem(key, value); problem != "" {
			problems = append(problems, problem)
		}
	}
	if len(problems) > 0 {
		return fail(errors.New(strings.Join(problems, "; ")))
	}
	pdk.Log(pdk.LogInfo, "ready: MusicBrainz at "+a.musicBrainzURL+", Wikipedia at "+a.wikipediaURL)
	return 0
}

//go:wasmexport nd_get_artist_mbid
func ndGetArtistMBID() int32 {
	var request artistRequest
	if err := pdk.InputJSON(&request); err != nil {
		return fail(err)
	}
	mbid, err := newAgent().artistMBID(request.Name)
	return answer(mbidResponse{MBID: mbid}, err)
}

//go:wasmexport nd_get_artist_biography
func ndGetArtistBiography() int32 {
	var request artistRequest
	if err := pdk.InputJSON(&request); err != nil {
		return fail(err)
	}
	biography, err := newAgent().biography(request.Name)
	return answer(biographyResponse{Biography: biography}, err)
}

//go:wasmexport nd_get_similar_artists
func ndGetSimilarArtists() int32 {
	var request artistRequest
	if err := pdk.InputJSON(&request); err != nil {
		return fail(err)
	}
	artists, err := newAgent().similarArtists(request.Name, request.MBID, int(request.Limit))
	return answer(similarArtistsResponse{Artists: artists}, err)
}

//go:wasmexport nd_get_album_info
func ndGetAlbumInfo() int32 {
	var request albumRequest
	if err := pdk.InputJSON(&request); err != nil {
		return fail(err)
	}
	info, err := newAgent().albumInfo(request.Name, request.Artist, request.MBID)
	return answer(info, err)
}

func answer(output any, err error) int32 {
	if err != nil {
		return fail(err)
	}
	if err := pdk.OutputJSON(output); err != nil {
		return fail(err)
	}
	return 0
}

func fail(err error) int32 {
	pdk.SetError(err)
	return -1
}
