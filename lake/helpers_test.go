package lake_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/lake"
)

const period = "2025-03"

var tables = []string{"sales_out", "rejects", "partner_scores"}

// publish publishes period with every table holding rows of runID.
func publish(t *testing.T, l *lake.Lake, db *sql.DB, runID string) error {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for i, tb := range tables {
		q := fmt.Sprintf("CREATE OR REPLACE TABLE %s AS SELECT ? AS run_id, range AS i FROM range(%d)", tb, i+2)
		if _, err := conn.ExecContext(ctx, q, runID); err != nil {
			t.Fatal(err)
		}
	}
	return l.Publish(ctx, lake.Publication{Period: period, RunID: runID, Conn: conn, Tables: tables,
		Manifest: func(files []lake.File) ([]byte, error) {
			var rels []string
			for _, f := range files {
				if _, err := os.Stat(f.Staged); err != nil {
					return nil, err
				}
				rels = append(rels, f.Rel)
			}
			return json.Marshal(map[string]any{"run_id": runID, "outputs": rels})
		}})
}

func open(t *testing.T, dir string, opts lake.Options) *lake.Lake {
	t.Helper()
	l, err := lake.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// visible checks what a reader sees of period after a recovery: every
// table from one run, that run's manifest present, and nothing but
// published folders left; it returns the run.
func visible(t *testing.T, db *sql.DB, dir string) string {
	t.Helper()
	l := open(t, dir, lake.Options{})
	runID := ""
	for _, tb := range tables {
		scan, err := l.Scan(tb, period)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		rows, err := db.Query("SELECT DISTINCT run_id FROM " + scan + " ORDER BY 1")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if len(ids) != 1 || runID != "" && ids[0] != runID {
			t.Fatalf("table %s of %s holds runs %v, other tables run %q", tb, period, ids, runID)
		}
		runID = ids[0]
	}
	data, err := os.ReadFile(filepath.Join(l.RunDir(period, runID), "manifest.json"))
	if err != nil || !strings.Contains(string(data), runID) {
		t.Fatalf("manifest of the visible run %s: %v %q", runID, err, data)
	}
	var leftovers []string
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		name := d.Name()
		if strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".old") || strings.HasSuffix(name, ".json") && strings.Contains(path, "_journal") {
			leftovers = append(leftovers, path)
		}
		if path != dir && filepath.Dir(path) == filepath.Join(dir, ".scratch") {
			leftovers = append(leftovers, path)
		}
		return nil
	})
	if len(leftovers) > 0 {
		t.Fatalf("left after recovery: %v", leftovers)
	}
	return runID
}

// failAt fails the k-th step, and every later one when sticky (a crash:
// nothing after step k happens in that process).
func failAt(k int, sticky bool) func(op, path string) error {
	n := 0
	return func(op, path string) error {
		n++
		if n == k || sticky && n > k {
			return fmt.Errorf("injected failure at step %d (%s %s)", n, op, path)
		}
		return nil
	}
}

// publishedR1 is a lake with period published once, by run r1: the
// starting point of the failure tests, each on its own copy (fixture.Copy),
// which costs less than publishing again.
func publishedR1(t *testing.T, db *sql.DB) string {
	t.Helper()
	dir := t.TempDir()
	if err := publish(t, open(t, dir, lake.Options{}), db, "r1"); err != nil {
		t.Fatal(err)
	}
	return dir
}

// countSteps counts the steps of publishing r2 over a copy of base
// (publishedR1).
func countSteps(t *testing.T, db *sql.DB, base string) int {
	dir := fixture.Copy(t, base)
	n := 0
	if err := publish(t, open(t, dir, lake.Options{Hook: func(string, string) error { n++; return nil }}), db, "r2"); err != nil {
		t.Fatal(err)
	}
	return n
}
