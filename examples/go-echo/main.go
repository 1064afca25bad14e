// go-echo is the Go twin of the as-echo example: a MetadataAgent that answers
// from memory, except GetArtistImages, which makes exactly two cache calls.
// It is a fixture for the runtime's tests and the benchmarks.
package main

import (
	"context"
	"net/url"

	"github.com/nd-music/nd/packages/protocol/go/gen/api"
	"github.com/nd-music/nd/packages/protocol/go/gen/capability/metadataagent"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/cache"
	"github.com/nd-music/nd/packages/protocol/go/plugin"
)

const imageTTLSeconds = 3600

// Plugins register in init: the host runs package initialisation when it
// instantiates the module, but never calls main.
func init() {
	metadataagent.Register(&echoAgent{cache: cache.NewCacheService()})
}

func main() {}

type echoAgent struct {
	api.UnimplementedMetadataAgent
	cache cache.CacheService
}

func (echoAgent) GetArtistBiography(_ context.Context, req *api.ArtistBiographyRequest) (*api.ArtistBiographyResponse, error) {
	return &api.ArtistBiographyResponse{Biography: "bio of " + req.Name}, nil
}

func (echoAgent) GetArtistMBID(_ context.Context, req *api.ArtistMBIDRequest) (*api.ArtistMBIDResponse, error) {
	if req.Name == "" {
		return nil, plugin.ErrNotFound
	}
	return &api.ArtistMBIDResponse{Mbid: "mbid-of-" + req.Name}, nil
}

// GetArtistImages reads the remembered URL, then stores it (again) with a fresh TTL.
func (a *echoAgent) GetArtistImages(ctx context.Context, req *api.ArtistImageRequest) (*api.ArtistImageResponse, error) {
	key := "image:" + req.Name
	cached, err := a.cache.GetString(ctx, &cache.GetRequest{Key: key})
	if err != nil {
		return nil, err
	}
	imageURL := "https://images.example/" + url.PathEscape(req.Name)
	if cached.Exists {
		imageURL = cached.Value
	}
	if _, err := a.cache.SetString(ctx, &cache.SetStringRequest{Key: key, Value: imageURL, TtlSeconds: imageTTLSeconds}); err != nil {
		return nil, err
	}
	return &api.ArtistImageResponse{Images: []*api.ExternalImage{{Url: imageURL, Size: 300}}}, nil
}
