package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// loadLake makes each named lake table's earlier periods inside the
// history window (the months-1 periods before period) readable by a stage
// as table lake_<name>. History is the lake itself: nothing else survives
// between runs. A table with no earlier partition is not created;
// the stage declares its empty shape with CREATE TABLE IF NOT EXISTS.
func loadLake(ctx context.Context, conn execer, output, period string, months int, tables []string) error {
	for _, t := range tables {
		if !identifier.MatchString(t) {
			return fmt.Errorf("lake table %q: not an identifier", t)
		}
		files, err := lakeFiles(output, t, period, months)
		if err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, "DROP TABLE IF EXISTS lake_"+t); err != nil {
			return err
		}
		if len(files) == 0 {
			continue
		}
		quoted := make([]string, len(files))
		for i, f := range files {
			quoted[i] = sqlString(f)
		}
		q := fmt.Sprintf("CREATE TABLE lake_%s AS SELECT * FROM read_parquet([%s], union_by_name = true, hive_partitioning = false)",
			t, strings.Join(quoted, ", "))
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("read lake %s: %w", t, err)
		}
	}
	return nil
}

// lakeFiles lists the Parquet files of table t for the months-1 periods
// before period.
func lakeFiles(output, table, period string, months int) ([]string, error) {
	at, err := ParsePeriod(period)
	if err != nil {
		return nil, err
	}
	from := at.AddDate(0, 1-months, 0).Format("2006-01")
	dir := filepath.Join(output, "parquet", table)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		q, ok := strings.CutPrefix(e.Name(), "period=")
		if !ok || !e.IsDir() || !periodPattern.MatchString(q) || q >= period || q < from {
			continue
		}
		matches, err := filepath.Glob(filepath.Join(dir, e.Name(), "*.parquet"))
		if err != nil {
			return nil, err
		}
		files = append(files, matches...)
	}
	slices.Sort(files)
	return files, nil
}
