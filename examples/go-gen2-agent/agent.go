package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

const (
	defaultMusicBrainzURL = "https://musicbrainz.org"
	defaultWikipediaURL   = "https://en.wikipedia.org"
	defaultSimilarLimit   = 5
)

// fetcher answers the status and body of a GET of url.
type fetcher func(url string) (status int, body []byte, err error)

// textCache is the host's cache, seen as strings.
type textCache interface {
	get(key string) (string, bool)
	set(key, value string)
}

type agent struct {
	musicBrainzURL string
	wikipediaURL   string
	fetch          fetcher
	cache          textCache
}

// settingsProblem says what is wrong with a configured base URL, or "".
func settingsProblem(key, value string) string {
	parsed, err := url.Parse(value)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		return fmt.Sprintf("config %s must be an http or https URL, got %q", key, value)
	}
	return ""
}

func (a agent) artistMBID(name string) (string, error) {
	var found struct {
		Artists []struct {
			ID string `json:"id"`
		} `json:"artists"`
	}
	query := url.QueryEscape(fmt.Sprintf("artist:%q", name))
	if err := a.getJSON(a.musicBrainzURL+"/ws/2/artist?fmt=json&limit=1&query="+query, &found); err != nil {
		return "", err
	}
	if len(found.Artists) == 0 {
		return "", nil
	}
	return found.Artists[0].ID, nil
}

func (a agent) biography(name string) (string, error) {
	summary, err := a.pageSummary(name)
	return summary.Extract, err
}

func (a agent) similarArtists(name, mbid string, limit int) ([]artistRef, error) {
	if mbid == "" {
		found, err := a.artistMBID(name)
		if err != nil || found == "" {
			return nil, err
		}
		mbid = found
	}
	var artist struct {
		Relations []struct {
			TargetType string `json:"target-type"`
			Artist     struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"artist"`
		} `json:"relations"`
	}
	if err := a.getJSON(a.musicBrainzURL+"/ws/2/artist/"+url.PathEscape(mbid)+"?fmt=json&inc=artist-rels", &artist); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = defaultSimilarLimit
	}
	similar := []artistRef{}
	for _, relation := range artist.Relations {
		if relation.TargetType == "artist" && len(similar) < limit {
			similar = append(similar, artistRef{Name: relation.Artist.Name, MBID: relation.Artist.ID})
		}
	}
	return similar, nil
}

func (a agent) albumInfo(name, artist, mbid string) (albumInfoResponse, error) {
	info := albumInfoResponse{Name: name, MBID: mbid}
	if mbid == "" {
		var found struct {
			ReleaseGroups []struct {
				ID string `json:"id"`
			} `json:"release-groups"`
		}
		query := url.QueryEscape(fmt.Sprintf("releasegroup:%q AND artist:%q", name, artist))
		if err := a.getJSON(a.musicBrainzURL+"/ws/2/release-group?fmt=json&limit=1&query="+query, &found); err != nil {
			return info, err
		}
		if len(found.ReleaseGroups) > 0 {
			info.MBID = found.ReleaseGroups[0].ID
		}
	}
	summary, err := a.pageSummary(name)
	info.Description = summary.Extract
	info.URL = summary.ContentURLs.Desktop.Page
	return info, err
}

type wikiSummary struct {
	Extract     string `json:"extract"`
	ContentURLs struct {
		Desktop struct {
			Page string `json:"page"`
		} `json:"desktop"`
	} `json:"content_urls"`
}

// pageSummary reads Wikipedia's summary of the page titled title; a missing page is an empty summary.
func (a agent) pageSummary(title string) (wikiSummary, error) {
	var summary wikiSummary
	if title == "" {
		return summary, nil
	}
	path := "/api/rest_v1/page/summary/" + url.PathEscape(strings.ReplaceAll(title, " ", "_"))
	err := a.getJSON(a.wikipediaURL+path, &summary)
	if _, missing := err.(notFoundError); missing {
		return summary, nil
	}
	return summary, err
}

type notFoundError struct{ url string }

func (e notFoundError) Error() string { return e.url + " answered 404" }

// getJSON decodes the JSON answer of url, asking the cache first and filling it after.
func (a agent) getJSON(target string, into any) error {
	if cached, ok := a.cache.get(target); ok {
		return json.Unmarshal([]byte(cached), into)
	}
	status, body, err := a.fetch(target)
	if err != nil {
		return err
	}
	if status == 404 {
		return notFoundError{target}
	}
	if status != 200 {
		return fmt.Errorf("%s answered HTTP %d", target, status)
	}
	if err := json.Unmarshal(body, into); err != nil {
		return fmt.Errorf("%s answered JSON that does not decode: %w", target, err)
	}
	a.cache.set(target, string(body))
	return nil
}
