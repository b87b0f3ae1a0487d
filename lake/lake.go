// Package lake owns the published Parquet lake under an output folder:
// where each table keeps each period, which periods exist, the SQL that
// reads a period or a history window, the atomic publication of a period
// with its crash recovery, and the swap of a finished report folder.
//
// Layout under the output folder:
//
//	parquet/<table>/period=P/part-0.parquet   a published partition
//	parquet/<table>/.period=P.<run>.tmp/      a partition being staged
//	parquet/<table>/.period=P.<run>.old/      the partition it replaces, until committed
//	parquet/_journal/P.<run>.json             intent journal of a publication in progress
//	runs/P/<run>/manifest.json                the manifest of a run
//	.scratch/<run>/                           a run's scratch database
//
// Paths never go through glob expansion: folders are listed with
// os.ReadDir and files are handed to DuckDB as quoted literals, so an
// output folder named "ws[2024]" or "a*b" reads like any other.
package lake

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// FileMode is the mode of every file the lake writes.
func (l *Lake) FileMode() fs.FileMode { return l.opts.FileMode }

// Dir is the output folder.
func (l *Lake) Dir() string { return l.dir }

// Partition is the folder where table keeps period.
func (l *Lake) Partition(table, period string) string {
	return filepath.Join(l.dir, "parquet", table, "period="+period)
}

// RunDir is the folder of one run's manifest.
func (l *Lake) RunDir(period, runID string) string {
	return filepath.Join(l.dir, "runs", period, runID)
}

// ScratchDir is the scratch folder of a run; Recover removes those of
// dead runs.
func (l *Lake) ScratchDir(runID string) string { return filepath.Join(l.dir, ".scratch", runID) }

// Periods lists the published periods of table, oldest first.
func (l *Lake) Periods(table string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(l.dir, "parquet", table))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list periods of %s: %w", table, err)
	}
	var out []string
	for _, e := range entries {
		if p, ok := strings.CutPrefix(e.Name(), "period="); ok && e.IsDir() && IsPeriod(p) {
			out = append(out, p)
		}
	}
	return out, nil // ReadDir sorts by name: period=YYYY-MM sorts by date
}

// ErrAbsent is wrapped by the errors about a partition that is not there.
var ErrAbsent = errors.New("absent from the lake")

// Files lists the Parquet files of table for period, sorted. A period
// never published is an error wrapping ErrAbsent that names the table,
// the period and the folder.
func (l *Lake) Files(table, period string) ([]string, error) {
	dir := l.Partition(table, period)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("table %s of period %s is %w (%s)", table, period, ErrAbsent, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("table %s of period %s: %w", table, period, err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".parquet") && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("table %s of period %s is %w (%s holds no Parquet file)", table, period, ErrAbsent, dir)
	}
	return out, nil
}

// Window lists the Parquet files of table for the periods from..to
// (inclusive) that were published, oldest first; absent periods are
// skipped.
func (l *Lake) Window(table, from, to string) ([]string, error) {
	if !IsPeriod(from) || !IsPeriod(to) {
		return nil, fmt.Errorf("window %s..%s of %s: want YYYY-MM periods", from, to, table)
	}
	periods, err := l.Periods(table)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range periods {
		if p < from || p > to {
			continue
		}
		files, err := l.Files(table, p)
		if errors.Is(err, ErrAbsent) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, files...)
	}
	return out, nil
}

// Scan is a SQL relation reading table of period, or an error wrapping
// ErrAbsent when that period was never published.
func (l *Lake) Scan(table, period string) (string, error) {
	files, err := l.Files(table, period)
	if err != nil {
		return "", err
	}
	return ReadParquet(files), nil
}

// ReadParquet is a SQL relation reading exactly these files: a list of
// quoted paths whose glob characters are escaped, so DuckDB reads each
// file and nothing else. It needs at least one file.
func ReadParquet(files []string) string {
	quoted := make([]string, len(files))
	for i, f := range files {
		quoted[i] = Quote(literal(f))
	}
	return "read_parquet([" + strings.Join(quoted, ", ") + "], hive_partitioning = false, union_by_name = true)"
}

// Quote makes s a SQL string literal, for the paths that DuckDB does not
// take as parameters (COPY targets, read_parquet lists, ATTACH).
func Quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
