// Package plugin is the runtime every nd plugin links: the memory the host
// allocates requests and responses in (the exported malloc and free), the
// packing of results into ptr<<32|len, the standard errors, and the helpers
// the generated capability exports and host-service clients call.
//
// Plugin authors use it only for ErrNotFound and ErrNotImplemented.
package plugin
