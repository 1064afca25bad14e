//go:build wasip1

package main

// Every Navidrome v0.63 host function, so a test can drive each one from real Go code.

//go:wasmimport extism:host/user config_get
func hostConfigGet(uint64) uint64

//go:wasmimport extism:host/user config_getint
func hostConfigGetint(uint64) uint64

//go:wasmimport extism:host/user config_keys
func hostConfigKeys(uint64) uint64

//go:wasmimport extism:host/user artwork_getartisturl
func hostArtworkGetartisturl(uint64) uint64

//go:wasmimport extism:host/user artwork_getalbumurl
func hostArtworkGetalbumurl(uint64) uint64

//go:wasmimport extism:host/user artwork_gettrackurl
func hostArtworkGettrackurl(uint64) uint64

//go:wasmimport extism:host/user artwork_getplaylisturl
func hostArtworkGetplaylisturl(uint64) uint64

//go:wasmimport extism:host/user cache_setstring
func hostCacheSetstring(uint64) uint64

//go:wasmimport extism:host/user cache_getstring
func hostCacheGetstring(uint64) uint64

//go:wasmimport extism:host/user cache_setint
func hostCacheSetint(uint64) uint64

//go:wasmimport extism:host/user cache_getint
func hostCacheGetint(uint64) uint64

//go:wasmimport extism:host/user cache_setfloat
func hostCacheSetfloat(uint64) uint64

//go:wasmimport extism:host/user cache_getfloat
func hostCacheGetfloat(uint64) uint64

//go:wasmimport extism:host/user cache_setbytes
func hostCacheSetbytes(uint64) uint64

//go:wasmimport extism:host/user cache_getbytes
func hostCacheGetbytes(uint64) uint64

//go:wasmimport extism:host/user cache_has
func hostCacheHas(uint64) uint64

//go:wasmimport extism:host/user cache_remove
func hostCacheRemove(uint64) uint64

//go:wasmimport extism:host/user http_send
func hostHttpSend(uint64) uint64

//go:wasmimport extism:host/user kvstore_set
func hostKvstoreSet(uint64) uint64

//go:wasmimport extism:host/user kvstore_setwithttl
func hostKvstoreSetwithttl(uint64) uint64

//go:wasmimport extism:host/user kvstore_get
func hostKvstoreGet(uint64) uint64

//go:wasmimport extism:host/user kvstore_getmany
func hostKvstoreGetmany(uint64) uint64

//go:wasmimport extism:host/user kvstore_has
func hostKvstoreHas(uint64) uint64

//go:wasmimport extism:host/user kvstore_list
func hostKvstoreList(uint64) uint64

//go:wasmimport extism:host/user kvstore_delete
func hostKvstoreDelete(uint64) uint64

//go:wasmimport extism:host/user kvstore_deletebyprefix
func hostKvstoreDeletebyprefix(uint64) uint64

//go:wasmimport extism:host/user kvstore_getstorageused
func hostKvstoreGetstorageused(uint64) uint64

//go:wasmimport extism:host/user library_getlibrary
func hostLibraryGetlibrary(uint64) uint64

//go:wasmimport extism:host/user library_getalllibraries
func hostLibraryGetalllibraries(uint64) uint64

//go:wasmimport extism:host/user matcher_matchsongs
func hostMatcherMatchsongs(uint64) uint64

//go:wasmimport extism:host/user scheduler_scheduleonetime
func hostSchedulerScheduleonetime(uint64) uint64

//go:wasmimport extism:host/user scheduler_schedulerecurring
func hostSchedulerSchedulerecurring(uint64) uint64

//go:wasmimport extism:host/user scheduler_cancelschedule
func hostSchedulerCancelschedule(uint64) uint64

//go:wasmimport extism:host/user subsonicapi_call
func hostSubsonicapiCall(uint64) uint64

//go:wasmimport extism:host/user subsonicapi_callraw
func hostSubsonicapiCallraw(uint64) uint64

//go:wasmimport extism:host/user task_createqueue
func hostTaskCreatequeue(uint64) uint64

//go:wasmimport extism:host/user task_enqueue
func hostTaskEnqueue(uint64) uint64

//go:wasmimport extism:host/user task_get
func hostTaskGet(uint64) uint64

//go:wasmimport extism:host/user task_cancel
func hostTaskCancel(uint64) uint64

//go:wasmimport extism:host/user task_clearqueue
func hostTaskClearqueue(uint64) uint64

//go:wasmimport extism:host/user users_getusers
func hostUsersGetusers(uint64) uint64

//go:wasmimport extism:host/user users_getadmins
func hostUsersGetadmins(uint64) uint64

//go:wasmimport extism:host/user websocket_connect
func hostWebsocketConnect(uint64) uint64

//go:wasmimport extism:host/user websocket_sendtext
func hostWebsocketSendtext(uint64) uint64

//go:wasmimport extism:host/user websocket_sendbinary
func hostWebsocketSendbinary(uint64) uint64

//go:wasmimport extism:host/user websocket_closeconnection
func hostWebsocketCloseconnection(uint64) uint64

var hostFunctions = map[string]func(uint64) uint64{
	"config_get":                  hostConfigGet,
	"config_getint":               hostConfigGetint,
	"config_keys":                 hostConfigKeys,
	"artwork_getartisturl":        hostArtworkGetartisturl,
	"artwork_getalbumurl":         hostArtworkGetalbumurl,
	"artwork_gettrackurl":         hostArtworkGettrackurl,
	"artwork_getplaylisturl":      hostArtworkGetplaylisturl,
	"cache_setstring":             hostCacheSetstring,
	"cache_getstring":             hostCacheGetstring,
	"cache_setint":                hostCacheSetint,
	"cache_getint":                hostCacheGetint,
	"cache_setfloat":              hostCacheSetfloat,
	"cache_getfloat":              hostCacheGetfloat,
	"cache_setbytes":              hostCacheSetbytes,
	"cache_getbytes":              hostCacheGetbytes,
	"cache_has":                   hostCacheHas,
	"cache_remove":                hostCacheRemove,
	"http_send":                   hostHttpSend,
	"kvstore_set":                 hostKvstoreSet,
	"kvstore_setwithttl":          hostKvstoreSetwithttl,
	"kvstore_get":                 hostKvstoreGet,
	"kvstore_getmany":             hostKvstoreGetmany,
	"kvstore_has":                 hostKvstoreHas,
	"kvstore_list":                hostKvstoreList,
	"kvstore_delete":              hostKvstoreDelete,
	"kvstore_deletebyprefix":      hostKvstoreDeletebyprefix,
	"kvstore_getstorageused":      hostKvstoreGetstorageused,
	"library_getlibrary":          hostLibraryGetlibrary,
	"library_getalllibraries":     hostLibraryGetalllibraries,
	"matcher_matchsongs":          hostMatcherMatchsongs,
	"scheduler_scheduleonetime":   hostSchedulerScheduleonetime,
	"scheduler_schedulerecurring": hostSchedulerSchedulerecurring,
	"scheduler_cancelschedule":    hostSchedulerCancelschedule,
	"subsonicapi_call":            hostSubsonicapiCall,
	"subsonicapi_callraw":         hostSubsonicapiCallraw,
	"task_createqueue":            hostTaskCreatequeue,
	"task_enqueue":                hostTaskEnqueue,
	"task_get":                    hostTaskGet,
	"task_cancel":                 hostTaskCancel,
	"task_clearqueue":             hostTaskClearqueue,
	"users_getusers":              hostUsersGetusers,
	"users_getadmins":             hostUsersGetadmins,
	"websocket_connect":           hostWebsocketConnect,
	"websocket_sendtext":          hostWebsocketSendtext,
	"websocket_sendbinary":        hostWebsocketSendbinary,
	"websocket_closeconnection":   hostWebsocketCloseconnection,
}
