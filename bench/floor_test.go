//go:build bench

// The bench harness's own tests run with the benchmark (bench/run.sh runs
// `go test -tags bench ./bench` before measuring), not in `go test ./...`:
// the package links DuckDB, a 3 s link of a test binary for a tool that is
// not the product (README, "The two commands").

package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/synth"
)

// The floor reads every data line of the month's CSV feeds into Parquet
// (ragged, duplicated and header-like lines included) and decodes every
// XLSX row, as the generator's truth counts them.
func TestFloorCountsEveryLine(t *testing.T) {
	t.Parallel()
	ws := t.TempDir()
	if _, err := synth.Generate(ws, synth.Options{Seed: 2, Partners: 60, Months: 1, Lines: 400, End: "2026-10"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(ws, "channelscope.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var wantCSV, wantXLSX int64
	f, err := os.Open(filepath.Join(ws, "truth", "lines.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	truth, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range truth[1:] {
		if strings.HasSuffix(r[0], ".xlsx") {
			wantXLSX++
		} else {
			wantCSV++
		}
	}

	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "parquet")
	res, err := floorCSV(ctx, cfg, "2026-10", out)
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 2 || res.Rows != wantCSV {
		t.Errorf("csv floor read %d rows in %d files, want %d in 2", res.Rows, res.Files, wantCSV)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRow("SELECT count(*) FROM read_parquet(?)", filepath.Join(out, "*.parquet")).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != wantCSV {
		t.Errorf("parquet holds %d rows, want %d", n, wantCSV)
	}

	x, err := floorXLSX(ctx, cfg, "2026-10", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if x.Files != 1 || x.Rows != wantXLSX {
		t.Errorf("xlsx floor decoded %d rows in %d files, want %d in 1", x.Rows, x.Files, wantXLSX)
	}
}

func TestParseOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		size int
		err  string
	}{
		{nil, 100000, ""},
		{[]string{"1000000"}, 1000000, ""},
		{[]string{"-months", "3", "5000"}, 5000, ""},
		{[]string{"lots"}, 0, "not a number"},
		{[]string{"-size", "0"}, 0, "positive"},
		{[]string{"-months", "1"}, 0, "at least 2"},
		{[]string{"1", "2"}, 0, "unexpected arguments"},
	} {
		o, err := parseOptions(tc.args, &strings.Builder{})
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: %v", tc.args, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: got %v, want %q", tc.args, err, tc.err)
		case tc.err == "" && o.size != tc.size:
			t.Errorf("%q: size %d, want %d", tc.args, o.size, tc.size)
		}
	}
}
