package pipeline

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func scanAll(t *testing.T, text string) []record {
	t.Helper()
	return scanExpect(t, text, 0)
}

// scanExpect scans with the header's width known, as ingest does.
func scanExpect(t *testing.T, text string, expect int) []record {
	t.Helper()
	var out []record
	s := newRecordScanner(';', '"', func(r record) error {
		out = append(out, r)
		return nil
	})
	s.Expect = expect
	err := s.run(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestScanRecords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		want []record
	}{
		{"plain", "a;b\nc;d\n", []record{{line: 1, lines: 1, raw: "a;b", fields: 2}, {line: 2, lines: 1, raw: "c;d", fields: 2}}},
		{"crlf and no final newline", "a;b\r\nc;d", []record{{line: 1, lines: 1, raw: "a;b", fields: 2}, {line: 2, lines: 1, raw: "c;d", fields: 2}}},
		{"quoted delimiter", "\"a;b\";c\n", []record{{line: 1, lines: 1, raw: "\"a;b\";c", fields: 2}}},
		{"escaped quote", "\"a\"\";b\";c\n", []record{{line: 1, lines: 1, raw: "\"a\"\";b\";c", fields: 2}}},
		{"newline in quotes", "x;\"a\nb\"\nd;e\n", []record{{line: 1, lines: 2, raw: "x;\"a\nb\"", fields: 2}, {line: 3, lines: 1, raw: "d;e", fields: 2}}},
		{"quote inside a field is literal", "12\" screen;b\nc;d\n", []record{{line: 1, lines: 1, raw: "12\" screen;b", fields: 2}, {line: 2, lines: 1, raw: "c;d", fields: 2}}},
		{"blank line", "a;b\n\nc;d\n", []record{{line: 1, lines: 1, raw: "a;b", fields: 2}, {line: 2, lines: 1, raw: "", fields: 1}, {line: 3, lines: 1, raw: "c;d", fields: 2}}},
		{"unterminated quote costs one line", "a;b\n\"c;d\ne;f\n", []record{{line: 1, lines: 1, raw: "a;b", fields: 2}, {line: 2, lines: 1, raw: "\"c;d", unterminated: true}, {line: 3, lines: 1, raw: "e;f", fields: 2}}},
		{"stray quote closed lines later", "a;\"b\nc;d\ne\";f\ng;h\n", []record{{line: 1, lines: 1, raw: "a;\"b", unterminated: true}, {line: 2, lines: 1, raw: "c;d", fields: 2}, {line: 3, lines: 1, raw: "e\";f", fields: 2}, {line: 4, lines: 1, raw: "g;h", fields: 2}}},
		{"multi-line field with an escaped quote", "a;\"b\"\"\nc\"\nd;e\n", []record{{line: 1, lines: 2, raw: "a;\"b\"\"\nc\"", fields: 2}, {line: 3, lines: 1, raw: "d;e", fields: 2}}},
		{"ragged", "a;b;c\nd\n", []record{{line: 1, lines: 1, raw: "a;b;c", fields: 3}, {line: 2, lines: 1, raw: "d", fields: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scanExpect(t, tt.text, 2)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d records %+v, want %+v", len(got), got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("record %d: got %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestScanLongLine(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 3<<20)
	got := scanAll(t, "a;"+long+"\nb;c\n")
	if len(got) != 2 || len(got[0].raw) != len(long)+2 || got[1].line != 2 {
		t.Fatalf("long line: %d records", len(got))
	}
}

func TestDecoder(t *testing.T) {
	t.Parallel()
	const want = "Île-de-France;Société;€"
	cp1252, _ := charmap.Windows1252.NewEncoder().String(want)
	latin1, _ := charmap.ISO8859_1.NewEncoder().String("Île-de-France;Société")
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(want)
	tests := []struct {
		enc, in, want string
	}{
		{"utf-8", want, want},
		{"utf-8", "\ufeff" + want, want},
		{"utf-8-bom", "\ufeff" + want, want},
		{"windows-1252", cp1252, want},
		{"latin-1", latin1, "Île-de-France;Société"},
		{"utf-16", utf16, want},
	}
	for _, tt := range tests {
		r, err := decoder(bytes.NewReader([]byte(tt.in)), tt.enc)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: %q %v, want %q", tt.enc, got, err, tt.want)
		}
	}
}

// newCSVText scans and decodes line by line exactly as decoder followed by
// the scanner did: same records, same text, in every encoding, with and
// without a byte-order mark (which overrides the declaration).
func TestCSVTextDecodesLikeDecoder(t *testing.T) {
	t.Parallel()
	var every strings.Builder // every byte but the line breaks, 16 a line
	for b := 0; b < 256; b++ {
		if b != '\n' && b != '\r' {
			every.WriteByte(byte(b))
		}
		if b%16 == 15 {
			every.WriteString("\r\n")
		}
	}
	const text = "Île-de-France;\"Société\n\"\"Générale\"\"\";€\r\nplain;a;b\n\"open;x\nlast"
	cp1252, _ := charmap.Windows1252.NewEncoder().String(text)
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	tests := []struct {
		name, enc, in string
	}{
		{"utf-8", "utf-8", text},
		{"utf-8 with a bom", "utf-8", "\ufeff" + text},
		{"utf-8-bom", "utf-8-bom", "\ufeff" + text},
		{"utf-8-bom without one", "utf-8-bom", text},
		{"windows-1252", "windows-1252", cp1252},
		{"windows-1252, every byte", "windows-1252", every.String()},
		{"latin-1, every byte", "latin-1", every.String()},
		{"windows-1252 with a utf-8 bom", "windows-1252", "\ufeff" + text},
		{"windows-1252 with a utf-16 bom", "windows-1252", utf16},
		{"utf-16", "utf-16", utf16},
		{"empty", "windows-1252", ""},
	}
	scan := func(r io.Reader, decode func([]byte) string) []record {
		var out []record
		s := newRecordScanner(';', '"', func(r record) error {
			out = append(out, r)
			return nil
		})
		s.Expect = 3
		if decode != nil {
			s.decode = decode
		}
		if err := s.run(r); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, err := decoder(strings.NewReader(tt.in), tt.enc)
			if err != nil {
				t.Fatal(err)
			}
			want := scan(old, nil)
			ct, err := newCSVText(strings.NewReader(tt.in), tt.enc)
			if err != nil {
				t.Fatal(err)
			}
			got := scan(ct.r, ct.decode)
			if !slices.Equal(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}
