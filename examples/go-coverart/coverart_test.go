package main

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/nd-music/nd/packages/protocol/go/gen/api"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/config"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/http"
	"github.com/nd-music/nd/packages/protocol/go/plugin"
)

const mbid = "76df3287-6cda-33eb-8e9a-044b5e15ffdd"

// fakeHTTP answers every GET with one canned response and records the URLs.
type fakeHTTP struct {
	http.HttpService
	response *http.HttpResponse
	urls     []string
}

func (f *fakeHTTP) Get(_ context.Context, req *http.HttpRequest) (*http.HttpResponse, error) {
	f.urls = append(f.urls, req.Url)
	return f.response, nil
}

type fakeConfig map[string]string

func (f fakeConfig) GetConfig(context.Context, *config.GetConfigRequest) (*config.GetConfigResponse, error) {
	return &config.GetConfigResponse{Config: f}, nil
}

func (f fakeConfig) GetPluginConfig(ctx context.Context, req *config.GetConfigRequest) (*config.GetConfigResponse, error) {
	return f.GetConfig(ctx, req)
}

func agent(status int32, body string, cfg fakeConfig) (*coverArt, *fakeHTTP) {
	h := &fakeHTTP{response: &http.HttpResponse{Status: status, Body: []byte(body)}}
	return &coverArt{http: h, config: cfg}, h
}

func TestFrontImageInEverySizeLargestFirst(t *testing.T) {
	body := `{"images":[
		{"front":false,"image":"http://x/back.jpg","thumbnails":{"250":"http://x/back-250.jpg"}},
		{"front":true,"image":"http://x/front.jpg","thumbnails":{"250":"http://x/f-250.jpg","1200":"http://x/f-1200.jpg","small":"http://x/f-small.jpg","large":"http://x/f-large.jpg"}}
	]}`
	c, h := agent(200, body, fakeConfig{"base_url": "http://mirror.example/"})
	res, err := c.GetAlbumImages(context.Background(), &api.AlbumImagesRequest{Mbid: mbid})
	if err != nil {
		t.Fatal(err)
	}
	want := []*api.ExternalImage{
		{Url: "http://x/f-1200.jpg", Size: 1200},
		{Url: "http://x/f-large.jpg", Size: 500},
		{Url: "http://x/f-250.jpg", Size: 250},
		{Url: "http://x/front.jpg"},
	}
	if !reflect.DeepEqual(res.Images, want) {
		t.Fatalf("images = %v", res.Images)
	}
	if h.urls[0] != "http://mirror.example/release/"+mbid {
		t.Fatalf("requested %v", h.urls)
	}
}

func TestDefaultsToThePublicArchive(t *testing.T) {
	c, h := agent(200, `{"images":[{"image":"http://x/a.jpg"}]}`, fakeConfig{})
	if _, err := c.GetAlbumImages(context.Background(), &api.AlbumImagesRequest{Mbid: mbid}); err != nil {
		t.Fatal(err)
	}
	if h.urls[0] != "https://coverartarchive.org/release/"+mbid {
		t.Fatalf("requested %v", h.urls)
	}
}

func TestNotFound(t *testing.T) {
	cases := map[string]struct {
		mbid   string
		status int32
		body   string
	}{
		"upstream 404":     {mbid, 404, ""},
		"no images":        {mbid, 200, `{"images":[]}`},
		"no mbid":          {"", 200, ""},
		"mbid not an mbid": {"../../admin", 200, ""},
	}
	for name, c := range cases {
		agent, h := agent(c.status, c.body, fakeConfig{})
		_, err := agent.GetAlbumImages(context.Background(), &api.AlbumImagesRequest{Mbid: c.mbid})
		if !errors.Is(err, plugin.ErrNotFound) {
			t.Errorf("%s: got %v", name, err)
		}
		if c.mbid != mbid && len(h.urls) != 0 {
			t.Errorf("%s: made a request for an invalid mbid: %v", name, h.urls)
		}
	}
}

func TestUpstreamFailuresNameTheURL(t *testing.T) {
	c, _ := agent(503, "", fakeConfig{})
	_, err := c.GetAlbumImages(context.Background(), &api.AlbumImagesRequest{Mbid: mbid})
	if err == nil || !strings.Contains(err.Error(), "release/"+mbid+" answered HTTP 503") {
		t.Fatalf("got %v", err)
	}
	c, _ = agent(200, "<html>", fakeConfig{})
	_, err = c.GetAlbumImages(context.Background(), &api.AlbumImagesRequest{Mbid: mbid})
	if err == nil || !strings.Contains(err.Error(), "not Cover Art Archive JSON") {
		t.Fatalf("got %v", err)
	}
	c, _ = agent(200, "", fakeConfig{"base_url": "ftp://x"})
	_, err = c.GetAlbumImages(context.Background(), &api.AlbumImagesRequest{Mbid: mbid})
	if err == nil || !strings.Contains(err.Error(), `base_url must start with http:// or https://, got "ftp://x"`) {
		t.Fatalf("got %v", err)
	}
}

func TestOtherMethodsAreNotImplemented(t *testing.T) {
	c, _ := agent(200, "", fakeConfig{})
	if _, err := c.GetArtistBiography(context.Background(), &api.ArtistBiographyRequest{}); !errors.Is(err, plugin.ErrNotImplemented) {
		t.Fatalf("got %v", err)
	}
}
