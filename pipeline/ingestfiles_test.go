package pipeline

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/config"
	duckdb "github.com/duckdb/duckdb-go/v2"
	"golang.org/x/text/encoding/charmap"
)

// ingestTestDB opens an in-memory DuckDB with the ingest tables.
func ingestTestDB(t *testing.T, dists []config.Distributor) (*duckdb.Connector, *sql.Conn) {
	t.Helper()
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := createIngestTables(context.Background(), conn, dists); err != nil {
		t.Fatal(err)
	}
	return connector, conn
}

// testFeeds writes CSV feeds of two layouts into dir, named and filled
// as given, and returns them as the files of a period, in that order.
func testFeeds(t *testing.T, dir string, texts [][2]string) ([]config.Distributor, []FeedFile) {
	t.Helper()
	cols := config.Columns{InvoiceID: config.Names{"inv"}, InvoiceDate: config.Names{"date"}, ResellerName: config.Names{"name"},
		SKU: config.Names{"sku"}, Quantity: config.Names{"qty"}, Amount: config.Names{"amount"}}
	semi := config.Distributor{ID: "semi", Format: "csv", Encoding: "windows-1252", Delimiter: ";", Quote: `"`, Decimal: ",",
		DateFormat: "%d/%m/%Y", Currency: "EUR", HeaderRow: 2, Columns: cols}
	comma := config.Distributor{ID: "comma", Format: "csv", Encoding: "utf-8", Delimiter: ",", Quote: `"`, Decimal: ".",
		DateFormat: "%Y-%m-%d", Currency: "EUR", HeaderRow: 1, Columns: cols}
	var files []FeedFile
	for _, nt := range texts {
		d, text := comma, nt[1]
		if strings.HasPrefix(nt[0], "semi") {
			d = semi
			var err error
			if text, err = charmap.Windows1252.NewEncoder().String(text); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(dir, nt[0])
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, FeedFile{Distributor: d, Path: path, Rel: "feeds/2025-03/" + d.ID + "/" + nt[0]})
	}
	return []config.Distributor{semi, comma}, files
}

// Files loaded in parallel give the rows a load one at a time gives.
func TestIngestFilesParallelSameRows(t *testing.T) {
	t.Parallel()
	var big strings.Builder
	big.WriteString("inv,date,name,sku,qty,amount\n")
	for i := range 5000 {
		big.WriteString("F" + strings.Repeat("9", i%7) + `,2025-03-01,"Durand, Fils",CS-1,1,2.5` + "\n")
		big.WriteString("G,2025-03-02,Lefèvre,CS-2,3,4\n")
	}
	texts := [][2]string{
		{"semi1.csv", "Export du 01/04/2025\ninv;date;name;sku;qty;amount\nF1;01/03/2025;Société \"Générale\";CS-1;1;2,5\n" +
			"F2;01/03/2025;\"BUREAU;CIE\nSUD\";CS-2;1;3\nF3;\"open;x;y;z;w\nF4;02/03/2025;Z;CS-3;2;1\nragged;1\n"},
		{"comma1.csv", big.String()},
		{"comma2.csv", "\ufeffinv,date,name,sku,qty,amount\r\nH1,2025-03-03,\"A \"\"B\"\"\",CS-4,1,1\r\n,,,,,\r\n"},
		{"semi2.csv", "\ninv;date;name;sku;qty;amount\n"},
	}
	dump := func(workers int) string {
		dists, files := testFeeds(t, t.TempDir(), texts)
		connector, conn := ingestTestDB(t, dists)
		in := &ingester{conn: conn, scratch: t.TempDir(), xlsx: config.DefaultXLSX(), workers: workers}
		if err := in.ingestFiles(context.Background(), connector, files); err != nil {
			t.Fatal(err)
		}
		return query2(t, conn, `SELECT * FROM raw_lines ORDER BY source_file, source_line`) +
			query2(t, conn, `SELECT * FROM feed_fields ORDER BY source_file, source_line`) +
			query2(t, conn, `SELECT * EXCLUDE (modified) FROM feed_files ORDER BY source_file`)
	}
	one, four := dump(1), dump(4)
	if one != four {
		t.Fatalf("one worker:\n%.2000s\nfour workers:\n%.2000s", one, four)
	}
	for _, want := range []string{"Société \"Générale\"", "BUREAU;CIE\nSUD", `A "B"`, "Durand, Fils", "unterminated_quote", "preamble"} {
		if !strings.Contains(one, want) {
			t.Errorf("no %q in the rows", want)
		}
	}
}

// The error reported is that of the first failing file in file order,
// whichever fails first in time.
func TestIngestFilesFirstErrorInOrder(t *testing.T) {
	t.Parallel()
	var big strings.Builder
	big.WriteString("inv,date,name,sku,qty,price\n") // no amount column: fails at the header
	for range 20000 {
		big.WriteString("F1,2025-03-01,X,CS-1,1,2\n")
	}
	texts := [][2]string{
		{"comma1.csv", "inv,date,name,sku,qty,amount\nF1,2025-03-01,X,CS-1,1,2\n"},
		{"comma2.csv", "inv,date,name,sku,qty,amount\n\"F1,2025-03-01,X,CS-1,1,2\nF2,2025-03-01,X,CS-1,1,2\n"},
		{"comma3.csv", "inv,date\n"},
		{"comma4.csv", big.String()},
	}
	for _, workers := range []int{1, 2, 4} {
		dists, files := testFeeds(t, t.TempDir(), texts)
		connector, conn := ingestTestDB(t, dists)
		in := &ingester{conn: conn, scratch: t.TempDir(), xlsx: config.DefaultXLSX(), workers: workers}
		err := in.ingestFiles(context.Background(), connector, files)
		if err == nil || !strings.HasPrefix(err.Error(), "feeds/2025-03/comma/comma3.csv:1: header matches the layout only partly") {
			t.Errorf("%d workers: got %v", workers, err)
		}
	}
}
