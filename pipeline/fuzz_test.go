package pipeline

import (
	"slices"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/config"
)

// FuzzScanRecords: every physical line ends in exactly one record, in
// order, and splitting a record gives the field count the scan counted.
func FuzzScanRecords(f *testing.F) {
	for _, s := range []string{"a;b\nc;d\n", "x;\"a\nb\"\nd;e\n", "a;\"b\nc;d\ne\";f\ng;h\n", "\"\n\"\"\n", "a;b\r\nc", "12\" screen;b\n", ""} {
		f.Add(s, 2)
	}
	f.Fuzz(func(t *testing.T, text string, expect int) {
		expect = max(0, expect%8)
		next := 1
		s := newRecordScanner(';', '"', func(r record) error {
			if r.line != next || r.lines < 1 {
				t.Fatalf("record at line %d spanning %d, want line %d", r.line, r.lines, next)
			}
			next += r.lines
			if got := strings.Count(r.raw, "\n") + 1; got != r.lines {
				t.Fatalf("record at %d: %d lines in raw, %d counted", r.line, got, r.lines)
			}
			if !r.unterminated {
				if n := len(splitFields(r.raw, ';', '"')); n != r.fields {
					t.Fatalf("record %q: scan counted %d fields, split gives %d", r.raw, r.fields, n)
				}
				if r.lines > 1 && expect > 0 && r.fields != expect {
					t.Fatalf("multi-line record %q of width %d, expected %d", r.raw, r.fields, expect)
				}
			}
			return nil
		})
		s.Expect = expect
		if err := s.run(strings.NewReader(text)); err != nil {
			t.Fatal(err)
		}
		lines := strings.Count(text, "\n")
		if text != "" && !strings.HasSuffix(text, "\n") {
			lines++
		}
		if next-1 != lines {
			t.Fatalf("records cover %d lines of %d", next-1, lines)
		}
	})
}

// FuzzColumnIndex: a header maps each field to a distinct column of the
// header, or fails with an error; never a panic, never an index outside.
func FuzzColumnIndex(f *testing.F) {
	for _, s := range []string{"N° Facture;Date;Client;Réf;Qté;Montant", "qte;QTY;montant;date;facture;ref;client", ";;;", "\ufeffN° FACTURE ;date"} {
		f.Add(s)
	}
	cols := config.Columns{InvoiceID: config.Names{"N° Facture", "Facture"}, InvoiceDate: config.Names{"Date"},
		ResellerName: config.Names{"Client"}, SKU: config.Names{"Réf"}, Quantity: config.Names{"Qté", "Quantité", "Qty"},
		Amount: config.Names{"Montant"}}
	f.Fuzz(func(t *testing.T, line string) {
		header := splitFields(line, ';', '"')
		hm, err := columnIndex("f.csv", 1, header, cols)
		if err != nil {
			if len(err.Error()) > 4000+len(header)*300 {
				t.Fatalf("error of %d bytes", len(err.Error()))
			}
			return
		}
		seen := map[int]bool{}
		for name, i := range hm.idx {
			if i < 0 || i >= len(header) || seen[i] {
				t.Fatalf("%s at %d of %d (seen %v)", name, i, len(header), seen)
			}
			seen[i] = true
			if hm.used[name] != strings.TrimSpace(header[i]) {
				t.Fatalf("%s: used %q, header has %q", name, hm.used[name], header[i])
			}
		}
		if len(hm.idx) != 6 {
			t.Fatalf("mapped %d fields", len(hm.idx))
		}
	})
}

// FuzzSplitFields: quoting a split record again and splitting it gives the
// same fields (the split is the inverse of RFC 4180 quoting).
func FuzzSplitFields(f *testing.F) {
	for _, s := range []string{`a;"b;c";d`, `"x""y";z`, `12" screen;b`, `"a"b;c`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		fields := splitFields(raw, ';', '"')
		quoted := make([]string, len(fields))
		for i, v := range fields {
			quoted[i] = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
		}
		if again := splitFields(strings.Join(quoted, ";"), ';', '"'); !slices.Equal(again, fields) {
			t.Fatalf("%q -> %q -> %q", raw, fields, again)
		}
	})
}

// FuzzSplitFieldsOracle: splitFields gives the fields of the byte-by-byte
// reference below, the rules written as a state machine.
func FuzzSplitFieldsOracle(f *testing.F) {
	for _, s := range []string{`a;"b;c";d`, `"x""y";z`, `12" screen;b`, `"a"b;c`, `"a" "b";`, `;;`, `"`, `""`, `"a;b`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if got, want := splitFields(raw, ';', '"'), splitFieldsByByte(raw, ';', '"'); !slices.Equal(got, want) {
			t.Fatalf("%q: got %q, want %q", raw, got, want)
		}
	})
}

// splitFieldsByByte is the state machine splitFields implements.
func splitFieldsByByte(raw string, delim, quote byte) []string {
	var out []string
	var b strings.Builder
	inQuote, fieldStart := false, true
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inQuote && c == quote:
			if i+1 < len(raw) && raw[i+1] == quote {
				b.WriteByte(quote)
				i++
			} else {
				inQuote = false
			}
		case inQuote:
			b.WriteByte(c)
		case c == delim:
			out = append(out, b.String())
			b.Reset()
			fieldStart = true
			continue
		case c == quote && fieldStart:
			inQuote = true
		default:
			b.WriteByte(c)
		}
		fieldStart = false
	}
	return append(out, b.String())
}
