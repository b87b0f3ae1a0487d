package lake_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/channelscope/channelscope/lake"
	_ "github.com/duckdb/duckdb-go/v2"
)

// openDB opens an in-memory DuckDB closed with the test.
func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err == nil {
		t.Cleanup(func() { db.Close() })
		err = db.Ping()
	}
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// History is read through folder listings and escaped literal paths: an
// output folder whose name holds glob characters, a URL escape or a quote
// keeps its history.
func TestHistoryGlobSafe(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"ws[2024]", "ws*", "ws?", "ws%41", "l'été", "a[b]*?%'c"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), name)
			// A sibling a glob would match instead: it must not be read.
			decoy := filepath.Join(filepath.Dir(dir), "ws2")
			l, err := lake.Open(dir, lake.Options{})
			if err != nil {
				t.Fatal(err)
			}
			db := openDB(t)
			ctx := context.Background()
			for i, p := range []string{"2024-01", "2024-02", "2024-03"} {
				for _, root := range []string{dir, decoy} {
					part := filepath.Join(root, "parquet", "sales_out", "period="+p)
					if err := os.MkdirAll(part, 0o750); err != nil {
						t.Fatal(err)
					}
					q := "COPY (SELECT ? AS period, ? AS n) TO " + lake.Quote(filepath.Join(part, "part-0.parquet")) + " (FORMAT parquet)"
					if _, err := db.ExecContext(ctx, q, p, i+1); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := l.Load(ctx, db, "2024-04", 3, []string{"sales_out"}); err != nil {
				t.Fatal(err)
			}
			var n, sum int
			if err := db.QueryRowContext(ctx, "SELECT count(*), sum(n) FROM lake_sales_out").Scan(&n, &sum); err != nil {
				t.Fatal(err)
			}
			// window of 3 months before 2024-04: 2024-02 and 2024-03 (n = 2 + 3)
			if n != 2 || sum != 5 {
				t.Errorf("history under %q: %d rows summing %d, want 2 rows summing 5", name, n, sum)
			}
		})
	}
}

// A period never published is named with its table and folder.
func TestScanAbsent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l := open(t, dir, lake.Options{})
	_, err := l.Scan("partner_scores", "2024-02")
	want := "table partner_scores of period 2024-02 is absent from the lake (" + filepath.Join(dir, "parquet", "partner_scores", "period=2024-02") + ")"
	if err == nil || err.Error() != want || !errors.Is(err, lake.ErrAbsent) {
		t.Errorf("got %v, want %q", err, want)
	}
}
