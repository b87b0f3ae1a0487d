package pipeline

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/config"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// FuzzIngestCSV runs the whole CSV ingest of a small file into DuckDB:
// the file loads or fails with a FileError (never another error, never a
// panic), and every physical line from the header on is accounted for,
// in raw_lines or as the header.
func FuzzIngestCSV(f *testing.F) {
	for _, s := range []string{
		"a;b;c;d;e;f\n1;2025-03-01;X;CS-100;1;2\n",
		"a;b;c;d;e;f\n1;2025-03-01;\"X\nY\";CS-100;1;2\n2;x;\"open;d;e;f\n3;2025-03-02;Z;CS-100;1;2\n",
		"A ; B;C;D;E;F\r\n1,2,3,4,5,6\r\n;;;;;\r\n",
		"\xef\xbb\xbfa;b;c;d;e;f\n\xc3\xa9;;;;;\n",
		"a;b\n1;2\n",
	} {
		f.Add(s)
	}
	d := config.Distributor{ID: "fz", Format: "csv", Encoding: "utf-8", Delimiter: ";", Quote: `"`, Decimal: ".",
		DateFormat: "%Y-%m-%d", Currency: "EUR", HeaderRow: 1,
		Columns: config.Columns{InvoiceID: config.Names{"a"}, InvoiceDate: config.Names{"b"}, ResellerName: config.Names{"c"},
			SKU: config.Names{"d"}, Quantity: config.Names{"e"}, Amount: config.Names{"f"}}}
	f.Fuzz(func(t *testing.T, text string) {
		dir := t.TempDir()
		path := filepath.Join(dir, "f.csv")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		connector, err := duckdb.NewConnector("", nil)
		if err != nil {
			t.Fatal(err)
		}
		db := sql.OpenDB(connector)
		defer db.Close()
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if err := createIngestTables(ctx, conn, []config.Distributor{d}); err != nil {
			t.Fatal(err)
		}
		in := &ingester{conn: conn, scratch: dir, xlsx: config.DefaultXLSX()}
		err = in.ingestFiles(ctx, connector, []FeedFile{{Distributor: d, Path: path, Rel: "f.csv"}})
		var fe *FileError
		if err != nil {
			if !errors.As(err, &fe) {
				t.Fatalf("not a FileError: %v", err)
			}
			return
		}
		var lines, headerLines, headerLine int
		if err := conn.QueryRowContext(ctx, `SELECT coalesce(sum(line_count), 0) FROM raw_lines`).Scan(&lines); err != nil {
			t.Fatal(err)
		}
		var headerRaw string
		if err := conn.QueryRowContext(ctx, `SELECT header_line, header_raw FROM feed_files`).Scan(&headerLine, &headerRaw); err != nil {
			t.Fatal(err)
		}
		headerLines = strings.Count(headerRaw, "\n") + 1
		physical := strings.Count(text, "\n")
		if !strings.HasSuffix(text, "\n") {
			physical++
		}
		if lines+headerLines != physical {
			t.Fatalf("raw_lines cover %d lines + header %d, file has %d", lines, headerLines, physical)
		}
		var orphans int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM feed_fields f ANTI JOIN raw_lines r USING (source_file, source_line)`).Scan(&orphans); err != nil || orphans > 0 {
			t.Fatalf("%d field rows without a raw line (%v)", orphans, err)
		}
	})
}
