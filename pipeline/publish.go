package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// partitionDir is where table t keeps period p.
func partitionDir(output, table, period string) string {
	return filepath.Join(output, "parquet", table, "period="+period)
}

// sqlString quotes a value as a SQL string literal. Only COPY's target,
// which DuckDB does not accept as a parameter, goes through it.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// stagePartition writes table t of the scratch database beside its final
// place, sorted on every column so the same rows give the same bytes.
func stagePartition(ctx context.Context, conn execer, output, table, period, runID string) (string, error) {
	tmp := filepath.Join(output, "parquet", table, ".period="+period+"."+runID+".tmp")
	if err := os.RemoveAll(tmp); err != nil {
		return "", err
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return "", err
	}
	q := fmt.Sprintf(`COPY (SELECT * FROM %s ORDER BY ALL) TO %s (FORMAT parquet, COMPRESSION zstd)`,
		table, sqlString(filepath.Join(tmp, "part-0.parquet")))
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return "", fmt.Errorf("write %s: %w", table, err)
	}
	return tmp, nil
}

// swapPartition replaces the published partition with the staged one: the
// old one moves aside, the new one is renamed in, the old one is removed.
// recoverPartitions undoes a crash between the two renames.
func swapPartition(staged, final string) error {
	old := staged + ".old"
	if err := os.Rename(final, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Rename(staged, final); err != nil {
		if rerr := os.Rename(old, final); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			return errors.Join(err, rerr)
		}
		return err
	}
	return os.RemoveAll(old)
}

// recoverPartitions cleans what an interrupted run left in the lake: staged
// partitions are dropped, and a partition moved aside but never replaced
// is put back.
func recoverPartitions(output string) error {
	tables, err := os.ReadDir(filepath.Join(output, "parquet"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, t := range tables {
		dir := filepath.Join(output, "parquet", t.Name())
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			name := e.Name()
			if !strings.HasPrefix(name, ".period=") {
				continue
			}
			path := filepath.Join(dir, name)
			if strings.HasSuffix(name, ".tmp.old") {
				period := strings.SplitN(strings.TrimPrefix(name, ".period="), ".", 2)[0]
				final := filepath.Join(dir, "period="+period)
				if _, err := os.Stat(final); errors.Is(err, fs.ErrNotExist) {
					if err := os.Rename(path, final); err != nil {
						return err
					}
					continue
				}
			}
			if err := os.RemoveAll(path); err != nil {
				return err
			}
		}
	}
	return nil
}
