package sheet

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"},
		{"+33 1 23 45 67 89", "'+33 1 23 45 67 89"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"-12.5", "-12.5"},
		{"+7", "+7"},
		{"1e5", "1e5"},
		{"Société Dupont", "Société Dupont"},
		{"a=b", "a=b"},
		{"", ""},
		{"'already", "'already"},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Through a CSV writer the escape survives quoting.
func TestEscapeRowCSV(t *testing.T) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(EscapeRow([]string{"=1+1", "ok", "-3"})); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if got := b.String(); got != "'=1+1,ok,-3\n" {
		t.Errorf("got %q", got)
	}
}
