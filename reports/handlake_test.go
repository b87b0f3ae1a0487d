package reports

import (
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	cslake "github.com/channelscope/channelscope/lake"
)

// handLake is a lake folder whose partitions a test publishes by hand,
// each from a query, read back through the reports' own lake.
type handLake struct {
	tb  testing.TB
	db  *sql.DB
	out string
}

func newHandLake(tb testing.TB) *handLake {
	tb.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return &handLake{tb: tb, db: db, out: tb.TempDir()}
}

// publish writes the rows of q (with its ? args) as table's partition of period.
func (h *handLake) publish(table, period, q string, args ...any) {
	h.tb.Helper()
	dir := filepath.Join(h.out, "parquet", table, "period="+period)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		h.tb.Fatal(err)
	}
	if _, err := h.db.Exec("COPY ("+q+") TO "+cslake.Quote(filepath.Join(dir, "part-0.parquet"))+" (FORMAT parquet)", args...); err != nil {
		h.tb.Fatalf("%s of %s: %v", table, period, err)
	}
}

// open is the reports' lake of period over what was published, with the
// embedded queries.
func (h *handLake) open(period string) *lake {
	h.tb.Helper()
	lk, err := cslake.Open(h.out, cslake.Options{})
	if err != nil {
		h.tb.Fatal(err)
	}
	sub, err := fs.Sub(queryFiles, "queries")
	if err != nil {
		h.tb.Fatal(err)
	}
	q, err := parseQueries(sub, queryNames)
	if err != nil {
		h.tb.Fatal(err)
	}
	start, err := cslake.ParsePeriod(period)
	if err != nil {
		h.tb.Fatal(err)
	}
	return &lake{db: h.db, lake: lk, queries: q, period: period, start: start}
}
