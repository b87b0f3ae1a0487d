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
)

// FuzzIngestCSV runs the whole CSV ingest of a small file into DuckDB:
// the file loads or fails with a FileError (never another error, never a
// panic), every physical line from the header on is accounted for, in
// raw_lines or as the header, and each record of the header's width has
// in feed_fields exactly the fields Go's splitFields gives it, whether Go
// split it (a record with a quote) or DuckDB did (the others).
func FuzzIngestCSV(f *testing.F) {
	for _, s := range []string{
		"a;b;c;d;e;f\n1;2025-03-01;X;CS-100;1;2\n",
		"a;b;c;d;e;f\n1;2025-03-01;\"X\nY\";CS-100;1;2\n2;x;\"open;d;e;f\n3;2025-03-02;Z;CS-100;1;2\n",
		"A ; B;C;D;E;F\r\n1,2,3,4,5,6\r\n;;;;;\r\n",
		"\xef\xbb\xbfa;b;c;d;e;f\n\xc3\xa9;;;;;\n",
		"a;b\n1;2\n",
		"f;e;d;c;b;a\n\"1;2\";x;;\"y\"\"\";5;6\n7;8;9;10;11;12\n;;;;;\n\"\"\"\";a\"b;c;d;e;f\n",
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
		connector, conn := ingestTestDB(t, []config.Distributor{d})
		in := &ingester{conn: conn, scratch: dir, xlsx: config.DefaultXLSX()}
		err := in.ingestFiles(ctx, connector, []FeedFile{{Distributor: d, Path: path, Rel: "f.csv"}})
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
		checkFieldsSplitByGo(t, conn, d, headerRaw)
	})
}

// checkFieldsSplitByGo compares feed_fields with what splitFields and
// fieldRow make of each record of the header's width in raw_lines.
func checkFieldsSplitByGo(t *testing.T, conn *sql.Conn, d config.Distributor, headerRaw string) {
	t.Helper()
	ctx := context.Background()
	header := splitFields(headerRaw, d.Delimiter[0], d.Quote[0])
	hm, err := columnIndex("f.csv", 1, header, d.Columns)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := conn.QueryContext(ctx, `SELECT r.source_line, r.raw, f.* EXCLUDE (distributor, source_file, source_line)
FROM raw_lines r LEFT JOIN feed_fields f USING (source_file, source_line)
WHERE r.kind = 'data' AND r.field_count = ? ORDER BY r.source_line`, len(header))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	records := 0
	for rows.Next() {
		var line int
		var raw string
		got := make([]sql.NullString, len(d.Columns.Fields()))
		dest := []any{&line, &raw}
		for i := range got {
			dest = append(dest, &got[i])
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		records++
		want := fieldRow(d, "f.csv", line, splitFields(raw, d.Delimiter[0], d.Quote[0]), hm.idx)[3:]
		for i, w := range want {
			if ws, ok := w.(string); (ok && (!got[i].Valid || got[i].String != ws)) || (!ok && got[i].Valid) {
				t.Fatalf("line %d %q: field %s is %v, Go splits %v", line, raw, d.Columns.Fields()[i].Name, got[i], w)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var fields int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM feed_fields`).Scan(&fields); err != nil || fields != records {
		t.Fatalf("%d field rows for %d records of the header's width (%v)", fields, records, err)
	}
}
