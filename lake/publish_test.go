package lake_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

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

func countSteps(t *testing.T, db *sql.DB) int {
	dir := t.TempDir()
	if err := publish(t, open(t, dir, lake.Options{}), db, "r1"); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := publish(t, open(t, dir, lake.Options{Hook: func(string, string) error { n++; return nil }}), db, "r2"); err != nil {
		t.Fatal(err)
	}
	return n
}

// Publication failing at any step, once (the process goes on and rolls
// back) or for good (a crash: the next start repairs), leaves every table
// of the period from one run, the previous or the new, with its manifest.
func TestPublishFailsAtEveryStep(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	steps := countSteps(t, db)
	if steps < 2*len(tables)+3 {
		t.Fatalf("only %d steps for %d tables", steps, len(tables))
	}
	for _, sticky := range []bool{false, true} {
		for k := 1; k <= steps; k++ {
			t.Run(fmt.Sprintf("sticky=%v/step=%d", sticky, k), func(t *testing.T) {
				dir := t.TempDir()
				if err := publish(t, open(t, dir, lake.Options{}), db, "r1"); err != nil {
					t.Fatal(err)
				}
				perr := publish(t, open(t, dir, lake.Options{Hook: failAt(k, sticky)}), db, "r2")
				if _, err := open(t, dir, lake.Options{}).Recover(); err != nil {
					t.Fatalf("recover: %v (publish: %v)", err, perr)
				}
				got := visible(t, db, dir)
				switch {
				case perr == nil && got != "r2":
					t.Errorf("publish said done, readers see %s", got)
				case perr != nil && !errors.Is(perr, lake.ErrUnsettled) && got != "r1":
					t.Errorf("publish failed (%v) and said rolled back, readers see %s", perr, got)
				}
			})
		}
	}
}

// A process killed (SIGKILL) at any step of publication leaves a lake that
// the next start repairs to one run per period.
func TestPublishKilled(t *testing.T) {
	if spec := os.Getenv("LAKE_TEST_KILL_AT"); spec != "" {
		killedChild(t, spec)
		return
	}
	t.Parallel()
	db := openDB(t)
	steps := countSteps(t, db)
	seen := map[string]bool{}
	for k := 1; k <= steps; k++ {
		dir := t.TempDir()
		if err := publish(t, open(t, dir, lake.Options{}), db, "r1"); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, ".scratch", "r2", "spill"), 0o750); err != nil {
			t.Fatal(err)
		}
		reached := filepath.Join(t.TempDir(), "reached")
		cmd := exec.Command(os.Args[0], "-test.run=^TestPublishKilled$", "-test.count=1")
		cmd.Env = append(os.Environ(), "LAKE_TEST_KILL_AT="+strconv.Itoa(k)+"|"+dir+"|"+reached)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
	wait:
		for {
			select {
			case err := <-exited:
				t.Fatalf("step %d: the child exited before being killed: %v\n%s", k, err, out.String())
			default:
				if _, err := os.Stat(reached); err == nil {
					break wait
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		<-exited
		if _, err := open(t, dir, lake.Options{}).Recover(); err != nil {
			t.Fatalf("step %d: recover: %v", k, err)
		}
		seen[visible(t, db, dir)] = true
	}
	if !seen["r1"] || !seen["r2"] {
		t.Errorf("runs visible after the kills: %v, want both r1 (killed before the journal) and r2 (after)", seen)
	}
}

// killedChild publishes r2 and blocks at step k, after telling the parent.
func killedChild(t *testing.T, spec string) {
	parts := strings.SplitN(spec, "|", 3)
	k, _ := strconv.Atoi(parts[0])
	n := 0
	hook := func(op, path string) error {
		if n++; n == k {
			if err := os.WriteFile(parts[2], nil, 0o600); err != nil {
				return err
			}
			select {} // killed here
		}
		return nil
	}
	db := openDB(t)
	err := publish(t, open(t, parts[1], lake.Options{Hook: hook}), db, "r2")
	t.Fatalf("step %d never reached: %v", k, err)
}

// Every file and folder the lake writes gets the configured modes,
// whatever DuckDB or the umask would give.
func TestPublishModes(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	for _, modes := range [][2]fs.FileMode{{lake.DefaultFileMode, lake.DefaultDirMode}, {0o600, 0o700}, {0o644, 0o755}} {
		dir := t.TempDir()
		l := open(t, dir, lake.Options{FileMode: modes[0], DirMode: modes[1]})
		if err := publish(t, l, db, "r1"); err != nil {
			t.Fatal(err)
		}
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || path == dir {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			want := modes[0]
			if d.IsDir() {
				want = modes[1]
			}
			if got := info.Mode().Perm(); got != want {
				t.Errorf("%s: mode %#o, want %#o", path, got, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
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
