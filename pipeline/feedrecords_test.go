package pipeline

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/config"
)

// feed_records, which the cleanse stage reads, holds exactly what
// raw_lines LEFT JOIN feed_fields gives: every record once, its fields
// where it has some, parsed false and NULL fields where not (preamble,
// unterminated quote, ragged row), over quoted and plain CSV records and
// workbook rows.
func TestFeedRecordsIsRawLinesWithFields(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dists, files := testFeeds(t, dir, [][2]string{
		{"semi1.csv", "Export du 01/04/2025\ninv;date;name;sku;qty;amount\nF1;01/03/2025;Société \"Générale\";CS-1;1;2,5\n" +
			"F2;01/03/2025;\"BUREAU;CIE\nSUD\";CS-2;1;3\nF3;\"open;x;y;z;w\nF4;02/03/2025;Z;CS-3;2;1\nragged;1\n"},
		{"comma1.csv", "\ufeffinv,date,name,sku,qty,amount\r\nH1,2025-03-03,\"A \"\"B\"\"\",CS-4,1,1\r\n,,,,,\r\nH2,2025-03-04,C,CS-5,2,\r\n"},
	})
	wb := config.Distributor{ID: "wb", Format: "xlsx", Decimal: ".", DateFormat: "excel", Currency: "EUR", HeaderRow: 1,
		Columns: config.Columns{InvoiceID: config.Names{"a"}, InvoiceDate: config.Names{"b"}, ResellerName: config.Names{"c"},
			SKU: config.Names{"d"}, Quantity: config.Names{"e"}, Amount: config.Names{"f"}}}
	path := filepath.Join(dir, "wb.xlsx")
	writeWorkbook(t, path, `<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>b</t></is></c>`+
		`<c r="C1" t="inlineStr"><is><t>c</t></is></c><c r="D1" t="inlineStr"><is><t>d</t></is></c>`+
		`<c r="E1" t="inlineStr"><is><t>e</t></is></c><c r="F1" t="inlineStr"><is><t>f</t></is></c></row>`+
		`<row r="3"><c r="A3"><v>1</v></c><c r="B3"><v>45719</v></c><c r="F3"><f>E3*2</f></c></row>`+
		`<row r="4"><c r="C4" t="s"><v>1</v></c></row></sheetData>`, `<si><t>a</t></si><si><r><t>X</t></r></si>`)
	files = append(files, FeedFile{Distributor: wb, Path: path, Rel: "wb.xlsx"})
	connector, conn := ingestTestDB(t, append(dists, wb))
	in := &ingester{conn: conn, scratch: t.TempDir(), xlsx: config.DefaultXLSX()}
	if err := in.ingestFiles(context.Background(), connector, files); err != nil {
		t.Fatal(err)
	}
	joined := `SELECT r.*, f.source_line IS NOT NULL AS parsed, f.* EXCLUDE (distributor, source_file, source_line)
FROM raw_lines r LEFT JOIN feed_fields f ON f.source_file = r.source_file AND f.source_line = r.source_line`
	got := query2(t, conn, `SELECT * FROM feed_records ORDER BY source_file, source_line`)
	want := query2(t, conn, `SELECT * FROM (`+joined+`) ORDER BY source_file, source_line`)
	if got != want {
		t.Fatalf("feed_records:\n%s\nraw_lines LEFT JOIN feed_fields:\n%s", got, want)
	}
	// The cases the comparison must cover are there.
	for _, s := range []string{"BUREAU;CIE\nSUD", `A "B"`, "preamble", "unterminated_quote", "ragged;1", "wb.xlsx", "false", "true"} {
		if !strings.Contains(got, s) {
			t.Errorf("no %q in feed_records:\n%s", s, got)
		}
	}
}
