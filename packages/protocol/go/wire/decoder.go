package wire

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// ErrTruncated reports input that ends inside a field.
var ErrTruncated = errors.New("wire: message ends in the middle of a field")

// Decoder reads the fields of one message in order.
type Decoder struct {
	data []byte
	pos  int
}

// NewDecoder reads data; it never keeps references into it after a call returns
// a value (strings and bytes are copied), so the caller may free data afterwards.
func NewDecoder(data []byte) *Decoder {
	return &Decoder{data: data}
}

// More reports whether fields remain.
func (d *Decoder) More() bool {
	return d.pos < len(d.data)
}

// Tag reads the next field number and wire type.
func (d *Decoder) Tag() (int, Type, error) {
	v, err := d.varint()
	if err != nil {
		return 0, 0, err
	}
	field := v >> 3
	if field == 0 || field > math.MaxInt32>>3 {
		return 0, 0, fmt.Errorf("wire: invalid field number %d at byte %d", field, d.pos)
	}
	return int(field), Type(v & 7), nil
}

func (d *Decoder) varint() (uint64, error) {
	var v uint64
	for shift := uint(0); shift < 70; shift += 7 {
		if d.pos >= len(d.data) {
			return 0, ErrTruncated
		}
		b := d.data[d.pos]
		d.pos++
		v |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return v, nil
		}
	}
	return 0, fmt.Errorf("wire: varint longer than 10 bytes at byte %d", d.pos)
}

func (d *Decoder) expect(got, want Type) error {
	if got != want {
		return fmt.Errorf("wire: wire type %d where %d was expected at byte %d", got, want, d.pos)
	}
	return nil
}

func (d *Decoder) span(t Type) ([]byte, error) {
	if err := d.expect(t, Bytes); err != nil {
		return nil, err
	}
	n, err := d.varint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(d.data)-d.pos) {
		return nil, ErrTruncated
	}
	start := d.pos
	d.pos += int(n)
	return d.data[start:d.pos], nil
}

// String reads a string field.
func (d *Decoder) String(t Type) (string, error) {
	b, err := d.span(t)
	return string(b), err
}

// BytesField reads a bytes field into a fresh slice.
func (d *Decoder) BytesField(t Type) ([]byte, error) {
	b, err := d.span(t)
	if err != nil {
		return nil, err
	}
	return append([]byte{}, b...), nil
}

// Int64 reads an int64 field.
func (d *Decoder) Int64(t Type) (int64, error) {
	if err := d.expect(t, Varint); err != nil {
		return 0, err
	}
	v, err := d.varint()
	return int64(v), err
}

// Int32 reads an int32 field, keeping the low 32 bits as protobuf does.
func (d *Decoder) Int32(t Type) (int32, error) {
	v, err := d.Int64(t)
	return int32(v), err
}

// Bool reads a bool field.
func (d *Decoder) Bool(t Type) (bool, error) {
	v, err := d.Int64(t)
	return v != 0, err
}

// Double reads a double field.
func (d *Decoder) Double(t Type) (float64, error) {
	if err := d.expect(t, Fixed64); err != nil {
		return 0, err
	}
	if len(d.data)-d.pos < 8 {
		return 0, ErrTruncated
	}
	var bits uint64
	for i := 0; i < 8; i++ {
		bits |= uint64(d.data[d.pos+i]) << (8 * i)
	}
	d.pos += 8
	return math.Float64frombits(bits), nil
}

// Message decodes an embedded message field into m.
func (d *Decoder) Message(t Type, m Message) error {
	b, err := d.span(t)
	if err != nil {
		return err
	}
	return m.Unmarshal(b)
}

// StringMapEntry reads one entry of a map<string, string> field into *m,
// creating the map when needed. A later entry with the same key wins.
func (d *Decoder) StringMapEntry(t Type, m *map[string]string) error {
	b, err := d.span(t)
	if err != nil {
		return err
	}
	var key, value string
	entry := NewDecoder(b)
	for entry.More() {
		field, ft, err := entry.Tag()
		if err != nil {
			return err
		}
		switch field {
		case 1:
			key, err = entry.String(ft)
		case 2:
			value, err = entry.String(ft)
		default:
			err = entry.Skip(ft)
		}
		if err != nil {
			return err
		}
	}
	if *m == nil {
		*m = map[string]string{}
	}
	(*m)[key] = value
	return nil
}

// Skip passes over a field the reader does not know.
func (d *Decoder) Skip(t Type) error {
	switch t {
	case Varint:
		_, err := d.varint()
		return err
	case Fixed64, Fixed32:
		size := 8
		if t == Fixed32 {
			size = 4
		}
		if len(d.data)-d.pos < size {
			return ErrTruncated
		}
		d.pos += size
		return nil
	case Bytes:
		_, err := d.span(t)
		return err
	default:
		return fmt.Errorf("wire: unsupported wire type %d at byte %d", t, d.pos)
	}
}

// FieldError says which message and field a decoding error was found in.
type FieldError struct {
	Message string
	Field   int // 0 when the tag itself could not be read
	Err     error
}

func (e *FieldError) Error() string {
	if e.Field == 0 {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message + " field " + strconv.Itoa(e.Field) + ": " + e.Err.Error()
}

func (e *FieldError) Unwrap() error {
	return e.Err
}

// MessageError wraps err with the message and field being decoded; errors of
// nested messages read outermost first, "api.A field 3: api.B field 1: ...".
func MessageError(message string, field int, err error) error {
	return &FieldError{Message: message, Field: field, Err: err}
}
