package pipeline

import (
	"os"
	"path/filepath"
	"testing"
)

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		return "(missing)"
	}
	return string(b)
}

func TestSwapPartition(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	final := partitionDir(out, "sales_out", "2025-01")
	other := partitionDir(out, "sales_out", "2025-02")
	write(t, filepath.Join(final, "part-0.parquet"), "old")
	write(t, filepath.Join(other, "part-0.parquet"), "february")
	staged := filepath.Join(out, "parquet", "sales_out", ".period=2025-01.r1.tmp")
	write(t, filepath.Join(staged, "part-0.parquet"), "new")
	if err := swapPartition(staged, final); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(final, "part-0.parquet")); got != "new" {
		t.Errorf("published %q, want new", got)
	}
	if got := read(t, filepath.Join(other, "part-0.parquet")); got != "february" {
		t.Errorf("another period changed: %q", got)
	}
	entries, _ := os.ReadDir(filepath.Join(out, "parquet", "sales_out"))
	if len(entries) != 2 {
		t.Errorf("leftovers beside the partitions: %v", entries)
	}
}

// A crash can leave a staged partition, or an old partition moved aside
// before the new one came in; the next run repairs both.
func TestRecoverPartitions(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	dir := filepath.Join(out, "parquet", "sales_out")
	write(t, filepath.Join(dir, ".period=2025-01.r2.tmp", "part-0.parquet"), "half written")
	write(t, filepath.Join(dir, ".period=2025-02.r2.tmp.old", "part-0.parquet"), "february")
	write(t, filepath.Join(dir, "period=2025-03", "part-0.parquet"), "march new")
	write(t, filepath.Join(dir, ".period=2025-03.r2.tmp.old", "part-0.parquet"), "march old")
	if err := recoverPartitions(out); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, want string }{
		{filepath.Join(dir, "period=2025-01", "part-0.parquet"), "(missing)"},
		{filepath.Join(dir, "period=2025-02", "part-0.parquet"), "february"},
		{filepath.Join(dir, "period=2025-03", "part-0.parquet"), "march new"},
	}
	for _, tt := range tests {
		if got := read(t, tt.path); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.path, got, tt.want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("entries after recovery: %v", entries)
	}
}
