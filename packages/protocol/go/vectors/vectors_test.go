package vectors

import (
	"encoding/hex"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nd-music/nd/packages/protocol/go/gen/api"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/artwork"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/cache"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/config"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/http"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/scheduler"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/subsonicapi"
	"github.com/nd-music/nd/packages/protocol/go/gen/host/websocket"
	"github.com/nd-music/nd/packages/protocol/go/wire"
)

type vector struct {
	name    string // "<proto package>.<message>"
	message wire.Message
	hex     string // spaces only for reading
}

var vectors = []vector{
	{"api.ArtistMBIDRequest", &api.ArtistMBIDRequest{Id: "a", Name: "b"}, "0a0161 120162"},
	{"api.ArtistMBIDResponse", &api.ArtistMBIDResponse{Mbid: "m"}, "0a016d"},
	{"api.ArtistURLRequest", &api.ArtistURLRequest{Id: "a", Name: "b", Mbid: "m"}, "0a0161 120162 1a016d"},
	{"api.ArtistURLResponse", &api.ArtistURLResponse{Url: "u"}, "0a0175"},
	{"api.ArtistBiographyRequest", &api.ArtistBiographyRequest{Mbid: "m"}, "1a016d"},
	{"api.ArtistBiographyResponse", &api.ArtistBiographyResponse{Biography: "b"}, "0a0162"},
	{"api.ArtistSimilarRequest", &api.ArtistSimilarRequest{Name: "b", Limit: 5}, "120162 2005"},
	{"api.Artist", &api.Artist{Name: "n", Mbid: "m"}, "0a016e 12016d"},
	{"api.ArtistSimilarResponse", &api.ArtistSimilarResponse{Artists: []*api.Artist{{Name: "n"}, {}}}, "0a03 0a016e 0a00"},
	{"api.ArtistImageRequest", &api.ArtistImageRequest{Id: "a"}, "0a0161"},
	{"api.ExternalImage", &api.ExternalImage{Url: "u", Size: 300}, "0a0175 10ac02"},
	{"api.ArtistImageResponse", &api.ArtistImageResponse{Images: []*api.ExternalImage{{Url: "u", Size: 1}}}, "0a05 0a0175 1001"},
	// int32 -1 is sign-extended to ten bytes.
	{"api.ArtistTopSongsRequest", &api.ArtistTopSongsRequest{ArtistName: "x", Count: -1}, "120178 20ffffffffffffffffff01"},
	{"api.Song", &api.Song{Name: "s", Mbid: "m"}, "0a0173 12016d"},
	{"api.ArtistTopSongsResponse", &api.ArtistTopSongsResponse{Songs: []*api.Song{{Name: "s"}}}, "0a03 0a0173"},
	{"api.AlbumInfoRequest", &api.AlbumInfoRequest{Name: "n", Artist: "a", Mbid: "m"}, "0a016e 120161 1a016d"},
	{"api.AlbumInfo", &api.AlbumInfo{Name: "n", Mbid: "m", Description: "d", Url: "u"}, "0a016e 12016d 1a0164 220175"},
	// A set but empty message field is still written.
	{"api.AlbumInfoResponse", &api.AlbumInfoResponse{Info: &api.AlbumInfo{}}, "0a00"},
	{"api.AlbumImagesRequest", &api.AlbumImagesRequest{Mbid: "m"}, "1a016d"},
	{"api.AlbumImagesResponse", &api.AlbumImagesResponse{Images: []*api.ExternalImage{{Size: 250}}}, "0a03 10fa01"},
	{"api.ScrobblerIsAuthorizedRequest", &api.ScrobblerIsAuthorizedRequest{UserId: "u", Username: "n"}, "0a0175 12016e"},
	{"api.ScrobblerIsAuthorizedResponse", &api.ScrobblerIsAuthorizedResponse{Authorized: true, Error: "e"}, "0801 120165"},
	{"api.TrackInfo", &api.TrackInfo{
		Id: "i", Mbid: "m", Name: "n", Album: "a", AlbumMbid: "b",
		Artists: []*api.Artist{{Name: "x"}}, AlbumArtists: []*api.Artist{{Name: "y"}},
		Length: 180, Position: 7,
	}, "0a0169 12016d 1a016e 220161 2a0162 3203 0a0178 3a03 0a0179 40b401 4807"},
	{"api.ScrobblerNowPlayingRequest", &api.ScrobblerNowPlayingRequest{UserId: "u", Track: &api.TrackInfo{Name: "n"}, Timestamp: 1700000000}, "0a0175 1a03 1a016e 2080e2cfaa06"},
	{"api.ScrobblerNowPlayingResponse", &api.ScrobblerNowPlayingResponse{Error: "e"}, "0a0165"},
	{"api.ScrobblerScrobbleRequest", &api.ScrobblerScrobbleRequest{Username: "n", Timestamp: 1}, "12016e 2001"},
	{"api.ScrobblerScrobbleResponse", &api.ScrobblerScrobbleResponse{Error: "e"}, "0a0165"},
	{"api.SchedulerCallbackRequest", &api.SchedulerCallbackRequest{ScheduleId: "s", Payload: []byte{1, 2}, IsRecurring: true}, "0a0173 12020102 1801"},
	{"api.SchedulerCallbackResponse", &api.SchedulerCallbackResponse{Error: "e"}, "0a0165"},
	// Map entries are written in key order, each with its key and value.
	{"api.InitRequest", &api.InitRequest{Config: map[string]string{"b": "2", "a": "1"}}, "0a06 0a0161 120131 0a06 0a0162 120132"},
	{"api.InitResponse", &api.InitResponse{Error: "e"}, "0a0165"},
	{"api.OnTextMessageRequest", &api.OnTextMessageRequest{ConnectionId: "c", Message: "m"}, "0a0163 12016d"},
	{"api.OnTextMessageResponse", &api.OnTextMessageResponse{}, ""},
	{"api.OnBinaryMessageRequest", &api.OnBinaryMessageRequest{ConnectionId: "c", Data: []byte{0xff}}, "0a0163 1201ff"},
	{"api.OnBinaryMessageResponse", &api.OnBinaryMessageResponse{}, ""},
	{"api.OnErrorRequest", &api.OnErrorRequest{ConnectionId: "c", Error: "e"}, "0a0163 120165"},
	{"api.OnErrorResponse", &api.OnErrorResponse{}, ""},
	{"api.OnCloseRequest", &api.OnCloseRequest{ConnectionId: "c", Code: 1000, Reason: "r"}, "0a0163 10e807 1a0172"},
	{"api.OnCloseResponse", &api.OnCloseResponse{}, ""},

	{"artwork.GetArtworkUrlRequest", &artwork.GetArtworkUrlRequest{Id: "al-1", Size: 300}, "0a04616c2d31 10ac02"},
	{"artwork.GetArtworkUrlResponse", &artwork.GetArtworkUrlResponse{Url: "u"}, "0a0175"},

	{"cache.SetStringRequest", &cache.SetStringRequest{Key: "k", Value: "v", TtlSeconds: 60}, "0a016b 120176 183c"},
	{"cache.SetIntRequest", &cache.SetIntRequest{Key: "k", Value: -2}, "0a016b 10feffffffffffffffff01"},
	{"cache.SetFloatRequest", &cache.SetFloatRequest{Key: "k", Value: 1.5}, "0a016b 11000000000000f83f"},
	{"cache.SetBytesRequest", &cache.SetBytesRequest{Key: "k", Value: []byte{0}}, "0a016b 120100"},
	{"cache.SetResponse", &cache.SetResponse{Success: true}, "0801"},
	{"cache.GetRequest", &cache.GetRequest{Key: "k"}, "0a016b"},
	{"cache.GetStringResponse", &cache.GetStringResponse{Exists: true, Value: "v"}, "0801 120176"},
	{"cache.GetIntResponse", &cache.GetIntResponse{Exists: true, Value: 42}, "0801 102a"},
	{"cache.GetFloatResponse", &cache.GetFloatResponse{Exists: true, Value: -0.5}, "0801 11000000000000e0bf"},
	{"cache.GetBytesResponse", &cache.GetBytesResponse{Exists: true, Value: []byte{1}}, "0801 120101"},
	{"cache.RemoveRequest", &cache.RemoveRequest{Key: "k"}, "0a016b"},
	{"cache.RemoveResponse", &cache.RemoveResponse{Success: true}, "0801"},
	{"cache.HasRequest", &cache.HasRequest{Key: "k"}, "0a016b"},
	{"cache.HasResponse", &cache.HasResponse{Exists: true}, "0801"},

	{"config.GetConfigRequest", &config.GetConfigRequest{}, ""},
	{"config.GetConfigResponse", &config.GetConfigResponse{Config: map[string]string{"k": "v"}}, "0a06 0a016b 120176"},

	{"http.HttpRequest", &http.HttpRequest{Url: "a"}, "0a0161"},
	{"http.HttpRequest", &http.HttpRequest{Url: "a", Headers: map[string]string{"h": "v"}, TimeoutMs: 1000, Body: []byte("b")}, "0a0161 1206 0a0168 120176 18e807 220162"},
	{"http.HttpResponse", &http.HttpResponse{Status: 404, Body: []byte("x"), Headers: map[string]string{"h": "v"}, Error: "e"}, "089403 120178 1a06 0a0168 120176 220165"},

	{"scheduler.ScheduleOneTimeRequest", &scheduler.ScheduleOneTimeRequest{DelaySeconds: 5, Payload: []byte("p"), ScheduleId: "s"}, "0805 120170 1a0173"},
	{"scheduler.ScheduleRecurringRequest", &scheduler.ScheduleRecurringRequest{CronExpression: "* * * * *", ScheduleId: "s"}, "0a092a202a202a202a202a 1a0173"},
	{"scheduler.ScheduleResponse", &scheduler.ScheduleResponse{ScheduleId: "s", Error: "e"}, "0a0173 120165"},
	{"scheduler.CancelRequest", &scheduler.CancelRequest{ScheduleId: "s"}, "0a0173"},
	{"scheduler.CancelResponse", &scheduler.CancelResponse{Success: true, Error: "e"}, "0801 120165"},

	{"subsonicapi.CallRequest", &subsonicapi.CallRequest{Url: "/rest/ping?u=al"}, "0a0f2f726573742f70696e673f753d616c"},
	{"subsonicapi.CallResponse", &subsonicapi.CallResponse{Json: "{}", Error: "no"}, "0a027b7d 12026e6f"},

	{"websocket.ConnectRequest", &websocket.ConnectRequest{Url: "ws://h", Headers: map[string]string{"a": "b"}, ConnectionId: "c"}, "0a0677733a2f2f68 1206 0a0161 120162 1a0163"},
	{"websocket.ConnectResponse", &websocket.ConnectResponse{ConnectionId: "c", Error: "e"}, "0a0163 120165"},
	{"websocket.SendTextRequest", &websocket.SendTextRequest{ConnectionId: "c", Message: "m"}, "0a0163 12016d"},
	{"websocket.SendTextResponse", &websocket.SendTextResponse{Error: "e"}, "0a0165"},
	{"websocket.SendBinaryRequest", &websocket.SendBinaryRequest{ConnectionId: "c", Data: []byte{1}}, "0a0163 120101"},
	{"websocket.SendBinaryResponse", &websocket.SendBinaryResponse{Error: "e"}, "0a0165"},
	{"websocket.CloseRequest", &websocket.CloseRequest{ConnectionId: "c", Code: 1000, Reason: "r"}, "0a0163 10e807 1a0172"},
	{"websocket.CloseResponse", &websocket.CloseResponse{Error: "e"}, "0a0165"},
}

func decodeHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad vector %q: %v", s, err)
	}
	return b
}

func TestMarshalMatchesVector(t *testing.T) {
	for _, v := range vectors {
		got := hex.EncodeToString(v.message.Marshal())
		want := hex.EncodeToString(decodeHex(t, v.hex))
		if got != want {
			t.Errorf("%s: Marshal = %s, want %s", v.name, got, want)
		}
	}
}

func TestUnmarshalRestoresMessage(t *testing.T) {
	for _, v := range vectors {
		fresh := reflect.New(reflect.TypeOf(v.message).Elem()).Interface().(wire.Message)
		if err := fresh.Unmarshal(decodeHex(t, v.hex)); err != nil {
			t.Fatalf("%s: Unmarshal: %v", v.name, err)
		}
		if !reflect.DeepEqual(fresh, v.message) {
			t.Errorf("%s: Unmarshal = %+v, want %+v", v.name, fresh, v.message)
		}
	}
}

// Every message the generator writes must have a vector above.
func TestEveryGeneratedMessageHasAVector(t *testing.T) {
	covered := map[string]bool{}
	for _, v := range vectors {
		covered[v.name] = true
	}
	files, err := filepath.Glob("../gen/*/*.pb.go")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("../gen/host/*/*.pb.go")
	files = append(files, more...)
	if len(files) != 8 {
		t.Fatalf("found %d generated files, want 8: %v", len(files), files)
	}
	for _, file := range files {
		parsed, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range parsed.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gen.Specs {
				ts, ok := spec.(*ast.TypeSpec)
				if !ok || !ts.Name.IsExported() || strings.HasPrefix(ts.Name.Name, "Unimplemented") {
					continue
				}
				if _, isStruct := ts.Type.(*ast.StructType); !isStruct {
					continue
				}
				name := parsed.Name.Name + "." + ts.Name.Name
				if !covered[name] {
					t.Errorf("%s (%s) has no test vector", name, file)
				}
			}
		}
	}
}
