package xlsxstream

import (
	"archive/zip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var testLimits = Limits{MaxUncompressed: 1 << 30, MaxCells: 1 << 30}

// workbook writes a minimal workbook around a sheet's XML (and a string
// table when sst is not empty).
func workbook(t testing.TB, sheetXML, sst string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "book.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/>` + sheetXML + `</worksheet>`,
	}
	if sst != "" {
		parts["xl/sharedStrings.xml"] = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + sst + `</sst>`
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"} {
		body, ok := parts[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// sheetRows is what a reader yields: row number and cells, per row.
type sheetRows []string

// readAll reads every row with this package: "n:cell|cell" per row, and
// the formulas without value and the merges.
func readAll(path, sheet string) (rows sheetRows, formulas []string, merges []Range, err error) {
	wb, err := Open(path, testLimits)
	if err != nil {
		return nil, nil, nil, err
	}
	defer wb.Close()
	r, err := wb.Rows(sheet)
	if err != nil {
		return nil, nil, nil, err
	}
	defer r.Close()
	for r.Next() {
		var cells []string
		for _, c := range r.Cells() {
			cells = append(cells, string(c))
		}
		rows = append(rows, fmt.Sprintf("%d:%s", r.Row(), strings.Join(cells, "|")))
		for _, f := range r.Formulas() {
			formulas = append(formulas, CellName(f.Col, r.Row())+"="+f.Text)
		}
	}
	return rows, formulas, r.Merges(), r.Err()
}

// readExcelize reads every row as the ingest did before this package:
// excelize's row iterator, raw values, rows counted from 1.
func readExcelize(t testing.TB, path, sheet string) sheetRows {
	t.Helper()
	wb, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if sheet == "" {
		sheet = wb.GetSheetName(0)
	}
	rows, err := wb.Rows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out sheetRows
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatalf("excelize row %d: %v", n, err)
		}
		out = append(out, fmt.Sprintf("%d:%s", n, strings.Join(cells, "|")))
	}
	if err := rows.Error(); err != nil {
		t.Fatal(err)
	}
	return out
}

// The reader yields what excelize yields on well-formed sheets: the same
// values (types s, inlineStr, str, b, n, e, d; rich text; escapes;
// entities; CR LF), the same row numbers with skipped rows as empty rows,
// and the same padding of skipped columns.
func TestRowsMatchExcelize(t *testing.T) {
	t.Parallel()
	sst := `<si><t>plain</t></si><si><t xml:space="preserve"> spaced </t></si>` +
		`<si><r><rPr><b/></rPr><t>rich</t></r><r><t xml:space="preserve"> text</t></r></si>` +
		`<si><t>ph</t><rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si>` +
		`<si><t>a_x000D__x000A_b _x005F_x0041_ _xD800_ &amp;&lt;&#233;&#x20AC;</t></si><si/>` +
		`<si><t>line1` + "\r\n" + `line2</t></si>`
	tests := []struct{ name, sheet, sst string }{
		{"types", `<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>` +
			`<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c><c r="C2" t="s"><v>6</v></c></row>` +
			`<row r="3"><c r="A3"><v>1.5E-3</v></c><c r="B3" t="b"><v>1</v></c><c r="C3" t="e"><v>#N/A</v></c><c r="D3" t="str"><f>A1</f><v>x&amp;y</v></c>` +
			`<c r="E3" t="inlineStr"><is><t>in</t><r><t>line</t></r></is></c><c r="F3" t="d"><v>2025-03-01T00:00:00Z</v></c><c r="G3" t="n"><v>  7 </v></c></row></sheetData>`, sst},
		{"gaps", `<sheetData><row r="2"><c r="C2"><v>1</v></c><c r="F2"><v>2</v></c></row><row r="5"><c r="A5"><v>3</v></c><c r="B5"/><c r="C5" s="1"/></row>` +
			`<row r="6"/><row r="7"><c r="B7" t="inlineStr"><is><t></t></is></c><c r="D7"><f>1+1</f></c></row></sheetData>`, ""},
		{"no refs", `<sheetData><row><c><v>1</v></c><c><v>2</v></c><c r="E1"><v>5</v></c><c><v>6</v></c></row><row><c t="inlineStr"><is><t>x</t></is></c></row></sheetData>`, ""},
		{"prefixes and cdata", `<x:sheetData xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:row x:r="1"><x:c r="A1" t="inlineStr"><x:is><x:t><![CDATA[a<b>]]></x:t></x:is></x:c>` +
			`<!-- a comment --><x:c r="B1"><x:v>4<!-- inside -->2</x:v></x:c></x:row></x:sheetData>`, ""},
		{"formulas", `<sheetData><row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="C1" t="s"><f>X</f><v>0</v></c>` +
			`<c r="D1"><f t="shared" si="0"/></c><c r="E1" t="b"><f>TRUE()</f><v>1</v></c><c r="F1"><f>1/0</f><v> </v></c><c r="G1" t="e"><f>NA()</f><v>#N/A</v></c></row></sheetData>`, sst},
		{"inline escapes", `<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>tab_x0009_here &quot;q&apos;</t></is></c><c r="B1" t="inlineStr"><v>fallback</v></c></row></sheetData>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := workbook(t, tt.sheet, tt.sst)
			got, _, _, err := readAll(path, "")
			if err != nil {
				t.Fatal(err)
			}
			if want := readExcelize(t, path, ""); !reflect.DeepEqual(got, want) {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}

// A workbook excelize writes itself (shared strings, styles, merges,
// formulas) reads the same through both readers, and the formulas without
// a cached value and the merged ranges come out.
func TestExcelizeWorkbook(t *testing.T) {
	t.Parallel()
	f := excelize.NewFile()
	rows := [][]any{
		{"Invoice", "Date", "Account", "Item", "Qty", "Amount"},
		{"F1", 45719, "C1", "CS-100", 1, 10.5},
		{nil, 45719, "C1", "CS-200", 2, 1e-7},
		{"F2", 45720, "Société <&>", "CS-100", 1, nil},
		{"F3", true, "  C2 ", "tab\there", 3, 30},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	for _, err := range []error{
		f.MergeCell("Sheet1", "A2", "A3"),
		f.SetCellFormula("Sheet1", "F4", "E4*12.5"),
		f.SetCellStr("Sheet1", "H9", "after a gap"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.NewSheet("Other"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr("Other", "B2", "other sheet"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	for _, sheet := range []string{"", "Sheet1", "Other"} {
		got, formulas, merges, err := readAll(path, sheet)
		if err != nil {
			t.Fatal(err)
		}
		if want := readExcelize(t, path, sheet); !reflect.DeepEqual(got, want) {
			t.Errorf("sheet %q: got  %q\nwant %q", sheet, got, want)
		}
		if sheet == "Other" {
			continue
		}
		if want := []string{"F4=E4*12.5"}; !reflect.DeepEqual(formulas, want) {
			t.Errorf("formulas %q, want %q", formulas, want)
		}
		if want := []Range{{R1: 2, C1: 0, R2: 3, C2: 0}}; !reflect.DeepEqual(merges, want) {
			t.Errorf("merges %v, want %v", merges, want)
		}
	}
}

// Bad content is an error naming the row, never a panic nor a silent stop.
func TestRowsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, sheet, sst, want string }{
		{"bad sst index", `<sheetData><row r="1"><c r="A1" t="s"><v>3</v></c></row></sheetData>`, `<si><t>a</t></si>`,
			`row 1: cell A1: shared string index "3" not in the workbook's 1 strings`},
		{"rows out of order", `<sheetData><row r="3"/><row r="2"/></sheetData>`, "", "row 2: row 2 comes after row 3: rows out of order"},
		{"cells out of order", `<sheetData><row r="1"><c r="C1"><v>1</v></c><c r="B1"><v>1</v></c></row></sheetData>`, "", "row 1: cell B1 comes after C1"},
		{"bad ref", `<sheetData><row r="1"><c r="1A"><v>1</v></c></row></sheetData>`, "", `row 1: cell reference "1A"`},
		{"too many rows", `<sheetData><row r="1048577"/></sheetData>`, "", "row 1048577: beyond the sheet's 1048576 rows"},
		{"too many columns", `<sheetData><row r="1"><c r="XFE1"><v>1</v></c></row></sheetData>`, "", `cell reference "XFE1"`},
		{"unknown entity", `<sheetData><row r="1"><c r="A1" t="str"><v>&nbsp;</v></c></row></sheetData>`, "", "row 1: cell A1: unknown entity &nbsp;"},
		{"truncated", `<sheetData><row r="1"><c r="A1"><v>1</v>`, "", "row 1: the XML ends inside cell A1"},
		{"mismatched", `<sheetData><row r="1"><c r="A1"><v>1</c></row></sheetData>`, "", "row 1: cell A1: </c> closes <v>"},
		{"doctype", `<!DOCTYPE x [<!ENTITY a "b">]><sheetData/>`, "", "DOCTYPE"},
		{"invalid utf-8", "<sheetData><row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>\xff</t></is></c></row></sheetData>", "", "row 2: cell A2: text that is not valid UTF-8"},
		{"bad sst", "", `<si><t>a</si>`, "xl/sharedStrings.xml: string 0:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, _, err := readAll(workbook(t, tt.sheet, tt.sst), "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

// The limits: a zip declaring more than MaxUncompressed is refused before
// anything is inflated, a sheet with more cells than MaxCells when the
// cell after the limit is met.
func TestLimits(t *testing.T) {
	t.Parallel()
	path := workbook(t, `<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v></c></row></sheetData>`, "")
	_, err := Open(path, Limits{MaxUncompressed: 100, MaxCells: 10})
	var se *SizeError
	if !errors.As(err, &se) || se.Part != "[Content_Types].xml" {
		t.Errorf("size: got %v", err)
	}
	wb, err := Open(path, Limits{MaxUncompressed: 1 << 20, MaxCells: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	r, err := wb.Rows("Data")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for r.Next() {
		n++
	}
	var ce *CellLimitError
	if !errors.As(r.Err(), &ce) || n != 1 {
		t.Errorf("cells: %d rows, error %v", n, r.Err())
	}
	if _, err := wb.Rows("Nope"); err == nil || !strings.Contains(err.Error(), `no sheet "Nope"; the workbook has ["Data"]`) {
		t.Errorf("sheet: got %v", err)
	}
}

func TestCellName(t *testing.T) {
	t.Parallel()
	for col, want := range map[int]string{0: "A1", 25: "Z1", 26: "AA1", 701: "ZZ1", 702: "AAA1", MaxColumns - 1: "XFD1"} {
		if got := CellName(col, 1); got != want {
			t.Errorf("CellName(%d) = %s, want %s", col, got, want)
		}
		if c, r, ok := parseRef([]byte(want)); !ok || c != col+1 || r != 1 {
			t.Errorf("parseRef(%s) = %d %d %v", want, c, r, ok)
		}
	}
}

// Closing the rows before the end stops the inflating goroutine.
func TestCloseEarly(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("<sheetData>")
	for i := 1; i <= 50_000; i++ {
		fmt.Fprintf(&b, `<row r="%d"><c r="A%d"><v>%d</v></c></row>`, i, i, i)
	}
	b.WriteString("</sheetData>")
	wb, err := Open(workbook(t, b.String(), ""), testLimits)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	r, err := wb.Rows("")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Next() || string(r.Cells()[0]) != "1" {
		t.Fatalf("first row: %q %v", r.Cells(), r.Err())
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}
