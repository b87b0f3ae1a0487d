package pipeline

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/xlsxstream"
)

// The row log gives back what was added, in order, whether it stayed in
// memory or spilled to a file, which is removed on close; numbers in
// exponent form come back written out.
func TestRowLog(t *testing.T) {
	t.Parallel()
	for _, keep := range []int{1 << 20, 40} {
		dir := t.TempDir()
		l := newRowLog(dir, keep)
		type row struct {
			n        int
			cells    []string
			formulas []xlsxstream.Formula
		}
		in := []row{
			{1, []string{"Invoice", "", "Amount\twith tab"}, nil},
			{2, nil, nil},
			{3, []string{"1.5E-3", "é", ""}, []xlsxstream.Formula{{Col: 2, Text: "A3*2"}}},
			{4, []string{strings.Repeat("x", 100)}, []xlsxstream.Formula{{Col: 0}, {Col: 5, Text: "B4"}}},
		}
		for _, r := range in {
			var cells [][]byte
			for _, c := range r.cells {
				cells = append(cells, []byte(c))
			}
			if err := l.add(r.n, cells, r.formulas); err != nil {
				t.Fatal(err)
			}
		}
		in[2].cells[0] = "0.0015"
		var got []row
		var rec logRecord
		err := l.replay(func(r *logRecord) error {
			if r.text != strings.Join(r.cells, "\t") {
				t.Errorf("row %d: text %q, cells %q", r.row, r.text, r.cells)
			}
			got = append(got, row{r.row, append([]string(nil), r.cells...), append([]xlsxstream.Formula(nil), r.formulas...)})
			return nil
		}, &rec)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if len(got[i].cells) == 0 {
				got[i].cells = nil
			}
			if len(got[i].formulas) == 0 {
				got[i].formulas = nil
			}
		}
		if !reflect.DeepEqual(got, in) {
			t.Errorf("keep %d: got %+v\nwant %+v", keep, got, in)
		}
		spilled := l.file != nil
		l.close()
		files, _ := os.ReadDir(dir)
		if spilled != (keep == 40) || len(files) != 0 {
			t.Errorf("keep %d: spilled %v, %d files left", keep, spilled, len(files))
		}
	}
}

// Merged ranges repeat the top-left value over the range, rows in order,
// a range starting on a row without the value filling nothing, and a
// later range seeing what an earlier one filled.
func TestMergeFiller(t *testing.T) {
	t.Parallel()
	m := newMergeFiller([]xlsxstream.Range{
		{R1: 3, C1: 0, R2: 4, C2: 1}, // A3:B4
		{R1: 2, C1: 2, R2: 5, C2: 2}, // C2:C5, top-left empty
		{R1: 3, C1: 1, R2: 3, C2: 3}, // B3:D3, after A3:B4 filled B3
	})
	rows := []struct {
		n           int
		cells, want []string
		changed     bool
	}{
		{1, []string{"h1", "h2"}, []string{"h1", "h2"}, false},
		{2, []string{"a"}, []string{"a"}, false},
		{3, []string{"x", "", "y"}, []string{"x", "x", "x", "x"}, true},
		{4, nil, []string{"x", "x"}, true},
		{5, []string{"z"}, []string{"z"}, false},
	}
	for _, r := range rows {
		got, changed := m.fill(r.n, r.cells)
		if !reflect.DeepEqual(got, r.want) && !(len(got) == 0 && len(r.want) == 0) || changed != r.changed {
			t.Errorf("row %d: got %q (changed %v), want %q (%v)", r.n, got, changed, r.want, r.changed)
		}
	}
}

// FuzzIngestXLSX runs the whole XLSX ingest of a workbook around arbitrary
// sheet XML and string table: it loads or fails with a FileError (never
// another error, never a panic), and every row of the sheet after the
// header is in raw_lines once.
func FuzzIngestXLSX(f *testing.F) {
	for _, s := range []string{
		`<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>b</t></is></c><c r="C1" t="inlineStr"><is><t>c</t></is></c>` +
			`<c r="D1" t="inlineStr"><is><t>d</t></is></c><c r="E1" t="inlineStr"><is><t>e</t></is></c><c r="F1" t="inlineStr"><is><t>f</t></is></c></row>` +
			`<row r="3"><c r="A3"><v>1</v></c><c r="B3"><v>45719</v></c><c r="F3"><f>E3*2</f></c></row><row r="4"><c r="C4" t="s"><v>1</v></c></row></sheetData>` +
			`<mergeCells><mergeCell ref="A3:A4"/></mergeCells>`,
		`<sheetData><row><c t="s"><v>0</v></c></row></sheetData>`,
		`<sheetData><row r="2"><c r="A2"><v>1E3</v></c></row></sheetData>`,
	} {
		f.Add(s, `<si><t>a</t></si><si><r><t>X</t></r></si>`)
	}
	d := config.Distributor{ID: "fz", Format: "xlsx", Decimal: ".", DateFormat: "excel", Currency: "EUR", HeaderRow: 1,
		Columns: config.Columns{InvoiceID: config.Names{"a"}, InvoiceDate: config.Names{"b"}, ResellerName: config.Names{"c"},
			SKU: config.Names{"d"}, Quantity: config.Names{"e"}, Amount: config.Names{"f"}}}
	f.Fuzz(func(t *testing.T, sheet, sst string) {
		path := filepath.Join(t.TempDir(), "f.xlsx")
		writeWorkbook(t, path, sheet, sst)
		ctx := context.Background()
		connector, conn := ingestTestDB(t, []config.Distributor{d})
		in := &ingester{conn: conn, scratch: t.TempDir(), xlsx: config.DefaultXLSX()}
		// ingestFiles runs ingestXLSX with appenders to the tables behind
		// the raw_lines and feed_fields views.
		err := in.ingestFiles(ctx, connector, []FeedFile{{Distributor: d, Path: path, Rel: "f.xlsx"}})
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("not a FileError: %v", err)
			}
			return
		}
		var lines, distinct, last int
		if err := conn.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT source_line), coalesce(max(source_line), 1) FROM raw_lines`).Scan(&lines, &distinct, &last); err != nil {
			t.Fatal(err)
		}
		if lines != distinct || lines != last-1 {
			t.Fatalf("raw_lines holds %d rows (%d distinct) up to row %d", lines, distinct, last)
		}
		var orphans int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM feed_fields f ANTI JOIN raw_lines r USING (source_file, source_line)`).Scan(&orphans); err != nil || orphans > 0 {
			t.Fatalf("%d field rows without a raw line (%v)", orphans, err)
		}
	})
}

// writeWorkbook writes the smallest workbook xlsxstream reads: one sheet
// around sheetData, and a string table.
func writeWorkbook(t *testing.T, path, sheetData, sst string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range [][2]string{
		{"xl/workbook.xml", `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<worksheet>` + sheetData + `</worksheet>`},
		{"xl/sharedStrings.xml", `<sst>` + sst + `</sst>`},
	} {
		w, err := zw.Create(p[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
