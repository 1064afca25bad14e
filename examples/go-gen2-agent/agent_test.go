package main

import (
	"net/url"
	"strings"
	"testing"
)

type mapCache map[string]string

func (c mapCache) get(key string) (string, bool) { value, ok := c[key]; return value, ok }
func (c mapCache) set(key, value string)         { c[key] = value }

// upstream answers like MusicBrainz and Wikipedia for one artist with one collaborator.
func upstream(requested *[]string) fetcher {
	return func(target string) (int, []byte, error) {
		*requested = append(*requested, target)
		parsed, _ := url.Parse(target)
		switch {
		case parsed.Path == "/ws/2/artist" && strings.Contains(parsed.Query().Get("query"), `"Nina Simone"`):
			return 200, []byte(`{"artists":[{"id":"mbid-nina"}]}`), nil
		case parsed.Path == "/ws/2/artist":
			return 200, []byte(`{"artists":[]}`), nil
		case parsed.Path == "/ws/2/artist/mbid-nina":
			return 200, []byte(`{"relations":[{"target-type":"artist","artist":{"id":"mbid-al","name":"Al Schackman"}},{"target-type":"url"}]}`), nil
		case parsed.Path == "/ws/2/release-group":
			return 200, []byte(`{"release-groups":[{"id":"mbid-pastel"}]}`), nil
		case parsed.Path == "/api/rest_v1/page/summary/Nina_Simone":
			return 200, []byte(`{"extract":"American singer.","content_urls":{"desktop":{"page":"https://wiki/Nina"}}}`), nil
		case parsed.Path == "/api/rest_v1/page/summary/Pastel_Blues":
			return 200, []byte(`{"extract":"A 1965 album.","content_urls":{"desktop":{"page":"https://wiki/Pastel"}}}`), nil
		case strings.HasPrefix(parsed.Path, "/api/rest_v1/page/summary/"):
			return 404, []byte(`{}`), nil
		}
		return 500, nil, nil
	}
}

func testAgent(requested *[]string) agent {
	return agent{musicBrainzURL: "http://mb", wikipediaURL: "http://wiki", fetch: upstream(requested), cache: mapCache{}}
}

func TestBiographyIsTheSummaryAndIsCached(t *testing.T) {
	var requested []string
	a := testAgent(&requested)
	for range 2 {
		biography, err := a.biography("Nina Simone")
		if err != nil || biography != "American singer." {
			t.Fatalf("biography = %q, %v", biography, err)
		}
	}
	if len(requested) != 1 {
		t.Fatalf("upstream asked %d times, want 1 (the second answer comes from the cache)", len(requested))
	}
}

func TestMissingPageIsAnEmptyBiography(t *testing.T) {
	var requested []string
	biography, err := testAgent(&requested).biography("Nobody")
	if err != nil || biography != "" {
		t.Fatalf("biography = %q, %v", biography, err)
	}
}

func TestSimilarArtistsFollowMusicBrainzRelations(t *testing.T) {
	var requested []string
	similar, err := testAgent(&requested).similarArtists("Nina Simone", "", 3)
	if err != nil || len(similar) != 1 || similar[0] != (artistRef{Name: "Al Schackman", MBID: "mbid-al"}) {
		t.Fatalf("similar = %+v, %v", similar, err)
	}
}

func TestAlbumInfoJoinsMusicBrainzAndWikipedia(t *testing.T) {
	var requested []string
	info, err := testAgent(&requested).albumInfo("Pastel Blues", "Nina Simone", "")
	want := albumInfoResponse{Name: "Pastel Blues", MBID: "mbid-pastel", Description: "A 1965 album.", URL: "https://wiki/Pastel"}
	if err != nil || info != want {
		t.Fatalf("info = %+v, %v", info, err)
	}
}

func TestUpstreamFailureIsAnError(t *testing.T) {
	var requested []string
	a := testAgent(&requested)
	a.fetch = func(string) (int, []byte, error) { return 503, nil, nil }
	if _, err := a.artistMBID("Nina Simone"); err == nil || !strings.Contains(err.Error(), "HTTP 503") {
		t.Fatalf("err = %v", err)
	}
}

func TestSettingsMustBeHTTPURLs(t *testing.T) {
	if settingsProblem("musicbrainz_url", "http://127.0.0.1:8080") != "" {
		t.Fatal("an http URL is fine")
	}
	if settingsProblem("musicbrainz_url", "file:///etc") == "" {
		t.Fatal("a file URL is refused")
	}
}
