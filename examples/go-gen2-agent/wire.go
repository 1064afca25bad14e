package main

// The JSON shapes of Navidrome's MetadataAgent capability (generation 2).

type artistRequest struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	MBID  string `json:"mbid,omitempty"`
	Limit int32  `json:"limit,omitempty"`
}

type albumRequest struct {
	Name   string `json:"name"`
	Artist string `json:"artist"`
	MBID   string `json:"mbid,omitempty"`
}

type artistRef struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
	MBID string `json:"mbid,omitempty"`
}

type mbidResponse struct {
	MBID string `json:"mbid"`
}

type biographyResponse struct {
	Biography string `json:"biography"`
}

type similarArtistsResponse struct {
	Artists []artistRef `json:"artists"`
}

type albumInfoResponse struct {
	Name        string `json:"name"`
	MBID        string `json:"mbid"`
	Description string `json:"description"`
	URL         string `json:"url"`
}
