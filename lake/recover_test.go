package lake_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/channelscope/channelscope/lake"
)

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o640); err != nil {
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

// Recover removes what dead processes left without a journal (staged
// partitions, staged manifests, scratch folders, report folders being
// written) and puts back a folder moved aside but never replaced (left by
// the swap of an earlier version, or by a report swap).
func TestRecoverLeftovers(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	dir := filepath.Join(out, "parquet", "sales_out")
	write(t, filepath.Join(dir, ".period=2025-01.r2.tmp", "part-0.parquet"), "half written")
	write(t, filepath.Join(dir, ".period=2025-02.r2.tmp.old", "part-0.parquet"), "february")
	write(t, filepath.Join(dir, "period=2025-03", "part-0.parquet"), "march new")
	write(t, filepath.Join(dir, ".period=2025-03.r2.tmp.old", "part-0.parquet"), "march old")
	write(t, filepath.Join(out, ".scratch", "r2", "scratch.duckdb"), "dead run")
	write(t, filepath.Join(out, "runs", "2025-01", "r2", ".manifest.json.tmp"), "{}")
	write(t, filepath.Join(out, "runs", "2025-01", "r1", "manifest.json"), "{}")
	write(t, filepath.Join(out, "reports", ".2025-02.ab12.tmp", "summary.pdf"), "half")
	write(t, filepath.Join(out, "reports", ".2025-03.cd34.tmp.old", "summary.pdf"), "march report")
	write(t, filepath.Join(out, "parquet", "_journal", ".2025-04.r3.json.tmp"), "{")
	l, err := lake.Open(out, lake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := l.Recover()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, want string }{
		{filepath.Join(dir, "period=2025-01", "part-0.parquet"), "(missing)"},
		{filepath.Join(dir, "period=2025-02", "part-0.parquet"), "february"},
		{filepath.Join(dir, "period=2025-03", "part-0.parquet"), "march new"},
		{filepath.Join(out, "runs", "2025-01", "r1", "manifest.json"), "{}"},
		{filepath.Join(out, "reports", "2025-03", "summary.pdf"), "march report"},
	}
	for _, tt := range tests {
		if got := read(t, tt.path); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.path, got, tt.want)
		}
	}
	for _, d := range []string{dir, filepath.Join(out, ".scratch"), filepath.Join(out, "reports"), filepath.Join(out, "parquet", "_journal"), filepath.Join(out, "runs", "2025-01", "r2")} {
		entries, _ := os.ReadDir(d)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		want := map[string][]string{dir: {"period=2025-02", "period=2025-03"}, filepath.Join(out, "reports"): {"2025-03"}}[d]
		if !slices.Equal(names, want) {
			t.Errorf("%s holds %v, want %v", d, names, want)
		}
	}
	if len(rec.Restored) != 2 || len(rec.Removed) != 6 {
		t.Errorf("recovery %+v: want 2 restored, 6 removed", rec)
	}
	if rec, err := l.Recover(); err != nil || !rec.Empty() {
		t.Errorf("second recovery: %+v %v, want nothing to do", rec, err)
	}
}

// A journal naming a path outside the output folder is refused, not obeyed.
func TestRecoverRefusesEscapingJournal(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	write(t, filepath.Join(out, "parquet", "_journal", "2025-01.r1.json"),
		`{"run_id":"r1","period":"2025-01","state":"publishing","moves":[{"staged":"../../etc","final":"parquet/x/period=2025-01"}]}`)
	l, err := lake.Open(out, lake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Recover(); err == nil {
		t.Fatal("a journal pointing outside the output folder was accepted")
	}
}

// A journal whose staged part went missing cannot roll forward: the
// recovery rolls back to the previous run, whole.
func TestRecoverIncompleteJournal(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	out := t.TempDir()
	if err := publish(t, open(t, out, lake.Options{}), db, "r1"); err != nil {
		t.Fatal(err)
	}
	// a crash right after the journal: nothing after step 3 happens
	if err := publish(t, open(t, out, lake.Options{Hook: failAt(4, true)}), db, "r2"); err == nil {
		t.Fatal("publication with every step from the 4th failing succeeded")
	}
	staged := filepath.Join(out, "parquet", "rejects", ".period="+period+".r2.tmp")
	if err := os.RemoveAll(staged); err != nil {
		t.Fatal(err)
	}
	rec, err := open(t, out, lake.Options{}).Recover()
	if err != nil {
		t.Fatal(err)
	}
	if got := visible(t, db, out); got != "r1" || len(rec.RolledBack) != 1 {
		t.Errorf("visible %s after %+v, want r1 rolled back to", got, rec)
	}
}
