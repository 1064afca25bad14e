package wire

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// pair is a two-field test message: name (string, 1) and count (int32, 2).
type pair struct {
	name  string
	count int32
}

func (p *pair) Marshal() []byte {
	var e Encoder
	e.String(1, p.name)
	e.Int32(2, p.count)
	return e.Bytes()
}

func (p *pair) Unmarshal(data []byte) error {
	d := NewDecoder(data)
	for d.More() {
		field, t, err := d.Tag()
		if err != nil {
			return MessageError("test.Pair", 0, err)
		}
		switch field {
		case 1:
			p.name, err = d.String(t)
		case 2:
			p.count, err = d.Int32(t)
		default:
			err = d.Skip(t)
		}
		if err != nil {
			return MessageError("test.Pair", field, err)
		}
	}
	return nil
}

func bytesOf(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEncoderWritesEachKindOfField(t *testing.T) {
	cases := []struct {
		name  string
		write func(*Encoder)
		want  string
	}{
		{"string", func(e *Encoder) { e.String(1, "a") }, "0a0161"},
		{"empty string is left out", func(e *Encoder) { e.String(1, "") }, ""},
		{"varint over one byte", func(e *Encoder) { e.Int64(2, 300) }, "10ac02"},
		{"negative int32 takes ten bytes", func(e *Encoder) { e.Int32(1, -1) }, "08ffffffffffffffffff01"},
		{"bool", func(e *Encoder) { e.Bool(3, true) }, "1801"},
		{"false is left out", func(e *Encoder) { e.Bool(3, false) }, ""},
		{"double", func(e *Encoder) { e.Double(1, 1.5) }, "09000000000000f83f"},
		{"negative zero double is kept", func(e *Encoder) { e.Double(1, negativeZero()) }, "090000000000000080"},
		{"bytes", func(e *Encoder) { e.BytesField(4, []byte{0, 1}) }, "22020001"},
		{"field number over 15", func(e *Encoder) { e.String(16, "a") }, "82010161"},
		{"unset message is left out", func(e *Encoder) { e.Message(1, &pair{}, false) }, ""},
		{"set empty message", func(e *Encoder) { e.Message(1, &pair{}, true) }, "0a00"},
		{"repeated message", func(e *Encoder) { e.RepeatedMessage(2, &pair{name: "x"}) }, "1203 0a0178"},
		{"map in key order", func(e *Encoder) { e.StringMap(1, map[string]string{"z": "", "a": "1"}) }, "0a06 0a0161 120131 0a05 0a017a 1200"},
	}
	for _, c := range cases {
		var e Encoder
		c.write(&e)
		if got := hex.EncodeToString(e.Bytes()); got != strings.ReplaceAll(c.want, " ", "") {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}

func negativeZero() float64 {
	zero := 0.0
	return -zero
}

func TestDecoderSkipsUnknownFieldsOfEveryWireType(t *testing.T) {
	// name "a", then unknown varint 9, fixed64 10, bytes 11 and fixed32 12, then count 7.
	data := bytesOf(t, "0a0161 48ac02 510102030405060708 5a03010203 650a0b0c0d 1007")
	var p pair
	if err := p.Unmarshal(data); err != nil {
		t.Fatal(err)
	}
	if p.name != "a" || p.count != 7 {
		t.Fatalf("got %+v", p)
	}
}

func TestDecoderReportsWhereTheInputIsBad(t *testing.T) {
	cases := []struct {
		name, data, want string
	}{
		{"string cut short", "0a0561", "test.Pair field 1: wire: message ends in the middle of a field"},
		{"varint cut short", "1080", "test.Pair field 2: wire: message ends in the middle of a field"},
		{"wrong wire type", "0d01020304", "test.Pair field 1: wire: wire type 5 where 2 was expected at byte 1"},
		{"field number zero", "0001", "test.Pair: wire: invalid field number 0 at byte 1"},
		{"group", "1b", "test.Pair field 3: wire: unsupported wire type 3 at byte 1"},
		{"varint too long", "10ffffffffffffffffffff01", "test.Pair field 2: wire: varint longer than 10 bytes at byte 11"},
		{"fixed64 cut short", "190102", "test.Pair field 3: wire: message ends in the middle of a field"},
	}
	for _, c := range cases {
		var p pair
		err := p.Unmarshal(bytesOf(t, c.data))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
		var fieldErr *FieldError
		if !errors.As(err, &fieldErr) {
			t.Errorf("%s: %T is not a *FieldError", c.name, err)
		}
	}
	var p pair
	if err := p.Unmarshal(bytesOf(t, "0a0561")); !errors.Is(err, ErrTruncated) {
		t.Errorf("truncation does not unwrap to ErrTruncated: %v", err)
	}
}

func TestDecoderReadsInt32FromSignExtendedVarint(t *testing.T) {
	var p pair
	if err := p.Unmarshal(bytesOf(t, "10feffffffffffffffff01")); err != nil {
		t.Fatal(err)
	}
	if p.count != -2 {
		t.Fatalf("count = %d, want -2", p.count)
	}
}

func TestDecodedBytesAndStringsDoNotAliasTheInput(t *testing.T) {
	data := bytesOf(t, "0a016b 1202 0102")
	d := NewDecoder(data)
	_, ft, _ := d.Tag()
	key, _ := d.String(ft)
	_, ft, _ = d.Tag()
	value, err := d.BytesField(ft)
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = 0
	}
	if key != "k" || value[0] != 1 || value[1] != 2 {
		t.Fatalf("decoded values changed with the input: %q %v", key, value)
	}
}

func TestStringMapEntryMergesEntriesLastWins(t *testing.T) {
	data := bytesOf(t, "0a06 0a0161 120131 0a06 0a0161 120132 0a03 120133")
	var m map[string]string
	d := NewDecoder(data)
	for d.More() {
		_, ft, err := d.Tag()
		if err == nil {
			err = d.StringMapEntry(ft, &m)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(m) != 2 || m["a"] != "2" || m[""] != "3" {
		t.Fatalf("got %v", m)
	}
}

func TestDoubleRoundTrips(t *testing.T) {
	for _, v := range []float64{-0.5, 3.141592653589793, 1e300} {
		var e Encoder
		e.Double(1, v)
		d := NewDecoder(e.Bytes())
		_, ft, _ := d.Tag()
		got, err := d.Double(ft)
		if err != nil || got != v {
			t.Errorf("%v: got %v, %v", v, got, err)
		}
	}
}
