package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/nd-music/nd/packages/protocol/go/gen/api"
)

// release is the part of a Cover Art Archive /release/<mbid> answer we read.
type release struct {
	Images []struct {
		Front      bool              `json:"front"`
		Image      string            `json:"image"`
		Thumbnails map[string]string `json:"thumbnails"`
	} `json:"images"`
}

// Older answers name sizes instead of giving pixels.
var namedSizes = map[string]int32{"small": 250, "large": 500}

// albumImages returns the front image (else the first) in every size the
// archive has, largest first; the original image, of unknown size, comes last
// with size 0.
func albumImages(body []byte) ([]*api.ExternalImage, error) {
	var r release
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("answer is not Cover Art Archive JSON: %w", err)
	}
	if len(r.Images) == 0 {
		return nil, nil
	}
	chosen := r.Images[0]
	for _, image := range r.Images {
		if image.Front {
			chosen = image
			break
		}
	}
	bySize := map[int32]string{}
	for name, url := range chosen.Thumbnails {
		if size, err := strconv.Atoi(name); err == nil && size > 0 {
			bySize[int32(size)] = url
		}
	}
	for name, size := range namedSizes {
		if url, ok := chosen.Thumbnails[name]; ok && bySize[size] == "" {
			bySize[size] = url
		}
	}
	images := make([]*api.ExternalImage, 0, len(bySize)+1)
	for size, url := range bySize {
		images = append(images, &api.ExternalImage{Url: url, Size: size})
	}
	sort.Slice(images, func(i, j int) bool { return images[i].Size > images[j].Size })
	if chosen.Image != "" {
		images = append(images, &api.ExternalImage{Url: chosen.Image})
	}
	return images, nil
}
