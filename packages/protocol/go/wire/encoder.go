package wire

import (
	"math"
	"sort"
)

// Encoder appends fields to a buffer. Proto3 scalars with their zero value are
// left out, as protobuf encoders do; messages, map entries and repeated
// elements are always written.
type Encoder struct {
	buf []byte
}

// Bytes returns the encoded message.
func (e *Encoder) Bytes() []byte {
	return e.buf
}

func (e *Encoder) varint(v uint64) {
	for v >= 0x80 {
		e.buf = append(e.buf, byte(v)|0x80)
		v >>= 7
	}
	e.buf = append(e.buf, byte(v))
}

func (e *Encoder) tag(field int, t Type) {
	e.varint(uint64(field)<<3 | uint64(t))
}

func (e *Encoder) lengthDelimited(field int, data []byte) {
	e.tag(field, Bytes)
	e.varint(uint64(len(data)))
	e.buf = append(e.buf, data...)
}

// String writes a string field unless it is empty.
func (e *Encoder) String(field int, v string) {
	if v == "" {
		return
	}
	e.tag(field, Bytes)
	e.varint(uint64(len(v)))
	e.buf = append(e.buf, v...)
}

// BytesField writes a bytes field unless it is empty.
func (e *Encoder) BytesField(field int, v []byte) {
	if len(v) == 0 {
		return
	}
	e.lengthDelimited(field, v)
}

// Int32 writes an int32 field unless it is zero. Negative values take ten
// bytes: they are sign-extended to 64 bits, as the protobuf format requires.
func (e *Encoder) Int32(field int, v int32) {
	e.Int64(field, int64(v))
}

// Int64 writes an int64 field unless it is zero.
func (e *Encoder) Int64(field int, v int64) {
	if v == 0 {
		return
	}
	e.tag(field, Varint)
	e.varint(uint64(v))
}

// Bool writes a bool field unless it is false.
func (e *Encoder) Bool(field int, v bool) {
	if !v {
		return
	}
	e.tag(field, Varint)
	e.varint(1)
}

// Double writes a double field (fixed64, little endian) unless it is zero.
func (e *Encoder) Double(field int, v float64) {
	if v == 0 && !math.Signbit(v) {
		return
	}
	e.tag(field, Fixed64)
	bits := math.Float64bits(v)
	for i := 0; i < 8; i++ {
		e.buf = append(e.buf, byte(bits>>(8*i)))
	}
}

// Message writes a singular message field when m is set.
func (e *Encoder) Message(field int, m Marshaler, set bool) {
	if !set {
		return
	}
	e.lengthDelimited(field, m.Marshal())
}

// RepeatedMessage writes one element of a repeated message field.
func (e *Encoder) RepeatedMessage(field int, m Marshaler) {
	e.lengthDelimited(field, m.Marshal())
}

// StringMap writes a map<string, string> field, one entry per key, in key
// order so that equal maps encode to equal bytes.
func (e *Encoder) StringMap(field int, m map[string]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var entry Encoder
		entry.lengthDelimited(1, []byte(k))
		entry.lengthDelimited(2, []byte(m[k]))
		e.lengthDelimited(field, entry.buf)
	}
}
