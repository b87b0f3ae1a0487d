package xlsxstream

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRows feeds arbitrary sheet XML (and a string table) to the reader:
// it ends with rows or an error, never a panic; the rows it yields are
// numbered 1, 2, 3... with valid UTF-8 cells, and the merges it reports
// are well-formed ranges.
func FuzzRows(f *testing.F) {
	for _, s := range []string{
		`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><r><t>a</t></r></is></c></row>` +
			`<row r="3"><c r="B3"><f>A1</f></c><c t="str"><v>x&amp;y</v></c></row></sheetData><mergeCells><mergeCell ref="A1:B2"/></mergeCells></worksheet>`,
		`<x:sheetData><x:row><x:c><x:v><![CDATA[1<2]]></x:v></x:c></x:row></x:sheetData>`,
		`<sheetData><row r="2"/><row r="1"/></sheetData>`,
		`<sheetData><row><c r="XFD1"><v>1</v></c></row></sheetData><!-- c --><?pi x?>`,
		"<sheetData><row><c t=\"inlineStr\"><is><t>_x0041__xD800_\r\n&#x20AC;</t></is></c></row></sheetData>",
	} {
		f.Add(s, `<sst><si><t>plain</t></si><si><r><t>ri</t></r><rPh><t>x</t></rPh></si><si/></sst>`)
	}
	f.Fuzz(func(t *testing.T, sheet, strs string) {
		sst, err := readSharedStrings(strings.NewReader(strs))
		if err != nil {
			sst = &sharedStrings{}
		}
		for i := range sst.ends {
			if !utf8.Valid(sst.get(i)) {
				t.Fatalf("shared string %d not UTF-8", i)
			}
		}
		r := newRows(io.NopCloser(bytes.NewReader([]byte(sheet))), "sheet.xml", sst, 10_000)
		defer r.Close()
		for n := 1; r.Next(); n++ {
			if r.Row() != n {
				t.Fatalf("row %d yielded as %d", n, r.Row())
			}
			for _, c := range r.Cells() {
				if !utf8.Valid(c) {
					t.Fatalf("row %d: cell %q not UTF-8", n, c)
				}
			}
			for _, fm := range r.Formulas() {
				if fm.Col < 0 || fm.Col >= MaxColumns {
					t.Fatalf("row %d: formula column %d", n, fm.Col)
				}
			}
		}
		if r.Err() != nil {
			return
		}
		for _, m := range r.Merges() {
			if m.R1 < 1 || m.R1 > m.R2 || m.C1 < 0 || m.C1 > m.C2 || m.C2 >= MaxColumns || m.R2 > MaxRows {
				t.Fatalf("merge %+v", m)
			}
		}
	})
}
