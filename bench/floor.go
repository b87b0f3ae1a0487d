package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // the "duckdb" database/sql driver

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/xlsxstream"
)

// floorResult is what one floor measurement prints (as JSON) for the parent.
type floorResult struct {
	Kind    string  `json:"kind"` // csv | xlsx
	Files   int     `json:"files"`
	Rows    int64   `json:"rows"`
	Seconds float64 `json:"seconds"`
	DuckDB  string  `json:"duckdb,omitempty"`
}

// feedFiles lists the period's feed files of the distributors in format
// csv or xlsx, as the run finds them (feeds/P/<id>/<glob>).
func feedFiles(cfg *config.Config, period, format string) ([]string, []config.Distributor, error) {
	var files []string
	var dists []config.Distributor
	for _, d := range cfg.Distributors {
		if d.Format != format {
			continue
		}
		m, err := filepath.Glob(filepath.Join(cfg.Workspace, "feeds", period, d.ID, d.Files))
		if err != nil {
			return nil, nil, fmt.Errorf("feeds of %s: %w", d.ID, err)
		}
		slices.Sort(m)
		for _, f := range m {
			files = append(files, f)
			dists = append(dists, d)
		}
	}
	return files, dists, nil
}

// duckEncoding is the read_csv encoding closest to a configured one (the
// floor reads Windows-1252 as Latin-1: same cost, a few symbols differ).
func duckEncoding(enc string) string {
	switch strings.ToLower(enc) {
	case "windows-1252", "latin-1", "iso-8859-1":
		return "latin-1"
	case "utf-16":
		return "utf-16"
	}
	return "utf-8"
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// floorCSV is the floor of a month: DuckDB alone reading each CSV feed file
// of the period (every field as text, ragged lines padded) and writing it to
// Parquet under out. Nothing else a run does is in it.
func floorCSV(ctx context.Context, cfg *config.Config, period, out string) (floorResult, error) {
	res := floorResult{Kind: "csv"}
	files, dists, err := feedFiles(cfg, period, "csv")
	if err != nil {
		return res, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return res, fmt.Errorf("floor: %w", err)
	}
	began := time.Now()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return res, fmt.Errorf("floor: open duckdb: %w", err)
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, "SELECT version()").Scan(&res.DuckDB); err != nil {
		return res, fmt.Errorf("floor: duckdb version: %w", err)
	}
	for i, f := range files {
		d := dists[i]
		quote := d.Quote
		if quote == "" {
			quote = `"`
		}
		delim := d.Delimiter
		if delim == "" {
			delim = ","
		}
		target := filepath.Join(out, fmt.Sprintf("%s-%d.parquet", d.ID, i))
		q := fmt.Sprintf(`COPY (SELECT * FROM read_csv(%s, delim = %s, quote = %s, header = true,
  all_varchar = true, strict_mode = false, null_padding = true, encoding = %s))
TO %s (FORMAT parquet)`, sqlString(f), sqlString(delim), sqlString(quote), sqlString(duckEncoding(d.Encoding)), sqlString(target))
		r, err := db.ExecContext(ctx, q)
		if err != nil {
			return res, fmt.Errorf("floor: %s: %w", f, err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return res, fmt.Errorf("floor: %s: %w", f, err)
		}
		res.Files++
		res.Rows += n
	}
	res.Seconds = time.Since(began).Seconds()
	return res, nil
}

// floorXLSX is the Go decoding floor of the period's XLSX feeds: the
// fastest decoding we have, xlsxstream (the reader ingest uses), reading
// every row and cell of the sheet raw, and nothing else (no merges filled,
// no DuckDB). scratch is unused: xlsxstream needs no temporary files.
func floorXLSX(ctx context.Context, cfg *config.Config, period, scratch string) (floorResult, error) {
	res := floorResult{Kind: "xlsx"}
	files, dists, err := feedFiles(cfg, period, "xlsx")
	if err != nil {
		return res, err
	}
	lim := xlsxstream.Limits{MaxUncompressed: cfg.XLSX.MaxUncompressedBytes(), MaxCells: cfg.XLSX.MaxCells}
	began := time.Now()
	for i, f := range files {
		n, err := decodeXLSX(ctx, f, dists[i].Sheet, lim)
		if err != nil {
			return res, err
		}
		res.Files++
		res.Rows += n
	}
	res.Seconds = time.Since(began).Seconds()
	return res, nil
}

// decodeXLSX counts the data rows of a sheet (header excluded).
func decodeXLSX(ctx context.Context, path, sheet string, lim xlsxstream.Limits) (int64, error) {
	wb, err := xlsxstream.Open(path, lim)
	if err != nil {
		return 0, fmt.Errorf("floor: %s: %w", path, err)
	}
	defer wb.Close()
	rows, err := wb.Rows(sheet)
	if err != nil {
		return 0, fmt.Errorf("floor: %s: %w", path, err)
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("floor: %s: %w", path, err)
	}
	return max(0, n-1), nil
}

// cmdFloor is the child process measuring one floor: its peak RSS is the
// floor's own. It prints a floorResult as JSON on stdout.
func cmdFloor(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("floor", flag.ContinueOnError)
	kind := fs.String("kind", "csv", "csv | xlsx")
	cfgPath := fs.String("config", "", "the workspace's channelscope.yaml")
	period := fs.String("period", "", "YYYY-MM")
	out := fs.String("out", "", "folder for the Parquet files (csv) or scratch (xlsx)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cfgPath == "" || *period == "" || *out == "" {
		return fmt.Errorf("floor: -config, -period and -out are required")
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	var res floorResult
	switch *kind {
	case "csv":
		res, err = floorCSV(ctx, cfg, *period, *out)
	case "xlsx":
		res, err = floorXLSX(ctx, cfg, *period, *out)
	default:
		return fmt.Errorf("floor: -kind %q: want csv or xlsx", *kind)
	}
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}
