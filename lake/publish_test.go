package lake_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/internal/killtest"
	"github.com/channelscope/channelscope/lake"
)

// Publication failing at any step, once (the process goes on and rolls
// back) or for good (a crash: the next start repairs), leaves every table
// of the period from one run, the previous or the new, with its manifest.
func TestPublishFailsAtEveryStep(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	base := publishedR1(t, db)
	steps := countSteps(t, db, base)
	if steps < 2*len(tables)+3 {
		t.Fatalf("only %d steps for %d tables", steps, len(tables))
	}
	for _, sticky := range []bool{false, true} {
		for k := 1; k <= steps; k++ {
			t.Run(fmt.Sprintf("sticky=%v/step=%d", sticky, k), func(t *testing.T) {
				dir := fixture.Copy(t, base)
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
	base := publishedR1(t, db)
	steps := countSteps(t, db, base)
	seen := map[string]bool{}
	for k := 1; k <= steps; k++ {
		dir := fixture.Copy(t, base)
		if err := os.MkdirAll(filepath.Join(dir, ".scratch", "r2", "spill"), 0o750); err != nil {
			t.Fatal(err)
		}
		killtest.Run(t, "TestPublishKilled", "LAKE_TEST_KILL_AT", strconv.Itoa(k)+"|"+dir)
		if _, err := open(t, dir, lake.Options{}).Recover(); err != nil {
			t.Fatalf("step %d: recover: %v", k, err)
		}
		seen[visible(t, db, dir)] = true
	}
	if !seen["r1"] || !seen["r2"] {
		t.Errorf("runs visible after the kills: %v, want both r1 (killed before the journal) and r2 (after)", seen)
	}
}

// killedChild publishes r2 and is killed at step k.
func killedChild(t *testing.T, spec string) {
	step, dir, _ := strings.Cut(spec, "|")
	k, _ := strconv.Atoi(step)
	n := 0
	hook := func(op, path string) error {
		if n++; n == k {
			killtest.Block()
		}
		return nil
	}
	err := publish(t, open(t, dir, lake.Options{Hook: hook}), openDB(t), "r2")
	t.Fatalf("step %d never reached: %v", k, err)
}

// A table published sorted on its key (leading columns unique together)
// has the bytes of the same table sorted on every column, whatever order
// its rows were inserted in.
func TestPublishKeysSameBytes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, err := openDB(t).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Rows in a shuffled order, the key (file, line) unique, the other
	// columns repeating, so that a sort on them alone would differ.
	if _, err := conn.ExecContext(ctx, `CREATE TABLE lines AS
SELECT 'f' || (i % 3) AS source_file, i // 3 AS source_line, 'v' || (i * 7919 % 5) AS v, i % 2 = 0 AS b
FROM (SELECT range AS i FROM range(5000)) ORDER BY hash(i)`); err != nil {
		t.Fatal(err)
	}
	read := func(keys map[string][]string) []byte {
		dir := t.TempDir()
		err := open(t, dir, lake.Options{}).Publish(ctx, lake.Publication{Period: period, RunID: "r1", Conn: conn,
			Tables: []string{"lines"}, Keys: keys,
			Manifest: func([]lake.File) ([]byte, error) { return []byte("{}"), nil }})
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "parquet", "lines", "period="+period, "part-0.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	all := read(nil)
	keyed := read(map[string][]string{"lines": {"source_file", "source_line"}})
	if !bytes.Equal(all, keyed) {
		t.Errorf("sorted on the key: %d bytes, not the %d bytes sorted on every column", len(keyed), len(all))
	}
	if bytes.Equal(all, read(map[string][]string{"lines": {"v"}})) {
		t.Error("sorted on a column that is no key: the same bytes; the test cannot tell orders apart")
	}
}
