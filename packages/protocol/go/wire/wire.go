// Package wire reads and writes the protobuf binary format, the small part of it
// the nd protocol uses: varints, fixed64 doubles, length-delimited fields
// (strings, bytes, messages, map entries) and skipping of unknown fields.
//
// The generated Marshal and Unmarshal methods of the gen/ packages are written
// over it. It uses no reflection, so it compiles with TinyGo as well as Go.
package wire

// Type is the wire type carried in the low three bits of a field tag.
type Type uint8

const (
	Varint  Type = 0
	Fixed64 Type = 1
	Bytes   Type = 2
	Fixed32 Type = 5
)

// Message is what the generated message types implement.
type Message interface {
	Marshaler
	Unmarshal(data []byte) error
}

// Marshaler encodes a message; a nil receiver encodes as the empty message.
type Marshaler interface {
	Marshal() []byte
}
