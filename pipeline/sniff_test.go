package pipeline

import (
	"strings"
	"testing"
)

// The sniffer judges the same bytes alike however they are chunked.
func TestEncodingSniffer(t *testing.T) {
	tests := []struct {
		name, declared, text, want string
	}{
		{"utf-8 declared cp1252", "windows-1252", "a;b\nSoci\xc3\xa9t\xc3\xa9;x\n", `f.csv:2:5: declared windows-1252 but the file is UTF-8: "é" would read as "Ã©"`},
		{"utf-8 declared latin-1", "latin-1", "\xe2\x82\xac12\n", `f.csv:1:1: declared latin-1 but the file is UTF-8: "€" would read as "â‚¬"`},
		{"cp1252 as declared", "windows-1252", "Soci\xe9t\xe9;\x80\n", ""},
		{"cp1252 with one utf-8 look-alike stays cp1252", "windows-1252", "\xc3\xa9 and \xe9\n", ""},
		{"bom overrides", "windows-1252", "\xef\xbb\xbfSoci\xc3\xa9t\xc3\xa9\n", ""},
		{"cp1252 declared utf-8", "utf-8", "ok\nSoci\xe9t\xe9\n", `f.csv:2:5: declared utf-8 but byte 0xE9 is not UTF-8 (windows-1252 "é"); is the file windows-1252?`},
		{"truncated utf-8 at the end", "utf-8", "abc\xc3", `f.csv:1:4: declared utf-8 but byte 0xC3 is not UTF-8`},
		{"ascii", "utf-8", "a;b\n", ""},
		{"utf-16 not judged", "utf-16", "\xff\xfea\x00", ""},
	}
	for _, tt := range tests {
		for _, chunk := range []int{1, 2, 3, 1 << 20} {
			s := newEncodingSniffer(tt.declared)
			for i := 0; i < len(tt.text); i += chunk {
				s.Write([]byte(tt.text[i:min(len(tt.text), i+chunk)]))
			}
			err := s.check("f.csv", true)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("%s (chunks of %d): %v", tt.name, chunk, err)
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Errorf("%s (chunks of %d): got %v, want %s", tt.name, chunk, err, tt.want)
			}
		}
	}
}
