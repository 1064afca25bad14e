package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/nd-music/nd/packages/protocol/go/gen/api"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/config"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/http"
	"github.com/nd-music/nd/packages/protocol/go/plugin"
)

const (
	defaultBaseURL = "https://coverartarchive.org"
	requestTimeout = 10000 // milliseconds
)

// coverArt answers GetAlbumImages; every other MetadataAgent method answers
// plugin:not_implemented through the embedded UnimplementedMetadataAgent.
type coverArt struct {
	api.UnimplementedMetadataAgent
	http   http.HttpService
	config config.ConfigService
}

func (c *coverArt) GetAlbumImages(ctx context.Context, req *api.AlbumImagesRequest) (*api.AlbumImagesResponse, error) {
	if !isMBID(req.Mbid) {
		return nil, plugin.ErrNotFound
	}
	base, err := c.baseURL(ctx)
	if err != nil {
		return nil, err
	}
	url := base + "/release/" + req.Mbid
	res, err := c.http.Get(ctx, &http.HttpRequest{
		Url:       url,
		Headers:   map[string]string{"Accept": "application/json"},
		TimeoutMs: requestTimeout,
	})
	if err != nil {
		return nil, err
	}
	switch {
	case res.Error != "":
		return nil, fmt.Errorf("coverart: GET %s failed: %s", url, res.Error)
	case res.Status == 404:
		return nil, plugin.ErrNotFound
	case res.Status != 200:
		return nil, fmt.Errorf("coverart: GET %s answered HTTP %d", url, res.Status)
	}
	images, err := albumImages(res.Body)
	if err != nil {
		return nil, fmt.Errorf("coverart: GET %s: %w", url, err)
	}
	if len(images) == 0 {
		return nil, plugin.ErrNotFound
	}
	return &api.AlbumImagesResponse{Images: images}, nil
}

// baseURL is the base_url of the plugin's configuration, or the public archive.
func (c *coverArt) baseURL(ctx context.Context) (string, error) {
	res, err := c.config.GetConfig(ctx, &config.GetConfigRequest{})
	if err != nil {
		return "", err
	}
	base := strings.TrimRight(res.Config["base_url"], "/")
	if base == "" {
		return defaultBaseURL, nil
	}
	if !strings.HasPrefix(base, "https://") && !strings.HasPrefix(base, "http://") {
		return "", fmt.Errorf("coverart: config base_url must start with http:// or https://, got %q", base)
	}
	return base, nil
}

// isMBID accepts only a MusicBrainz id (a lowercase UUID), so that nothing
// but an id ever reaches the request path.
func isMBID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		dash := i == 8 || i == 13 || i == 18 || i == 23
		if dash != (r == '-') || (!dash && !strings.ContainsRune("0123456789abcdef", r)) {
			return false
		}
	}
	return true
}
