package pipeline_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"
	"time"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/pipeline"
)

// clockPipeline is a pipeline of cfg on clock over the stages through
// last (fixture.StagesThrough).
func clockPipeline(t *testing.T, cfg *config.Config, clock *fixture.Clock, last string) *pipeline.Pipeline {
	t.Helper()
	stages, err := fixture.StagesThrough(last)
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(cfg, stages, pipeline.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// smallRanAt is when smallRun's run happened: 2025-05-01 in Paris.
const smallRanAt = "2025-05-01 00:00"

// smallStages is the last stage smallRun runs.
const smallStages = "0030_match"

// smallRun returns a copy of its own of testdata/small run once (its one
// period published) at smallRanAt; the run happens once for the package
// (a shared fixture), the copies are the tests' to change and rerun.
// Nothing in the lake depends on the files' times: the due rule compares
// checksums, so a copy stays up to date. It runs the stages through
// 0030_match only (smallStages): its tests look at ingest, cleanse, match,
// publication and the due rule, and a rerun must use the same stages, or
// the period is due for a changed stage.
func smallRun(t *testing.T) string {
	t.Helper()
	src := shared.Dir(t, "small-run", func(dir string) error {
		if err := os.CopyFS(dir, os.DirFS("testdata/small")); err != nil {
			return err
		}
		cfg, err := config.Load(filepath.Join(dir, "channelscope.yaml"))
		if err != nil {
			return err
		}
		cfg.DuckDB.Threads = fixture.DuckDBThreads
		loc, err := time.LoadLocation("Europe/Paris")
		if err != nil {
			return err
		}
		at, err := time.ParseInLocation("2006-01-02 15:04", smallRanAt, loc)
		if err != nil {
			return err
		}
		stages, err := fixture.StagesThrough(smallStages)
		if err != nil {
			return err
		}
		p, err := pipeline.New(cfg, stages, pipeline.Options{Now: fixture.NewClock(at).Now})
		if err != nil {
			return err
		}
		ms, err := p.Run(context.Background(), pipeline.RunOptions{})
		if err != nil {
			return err
		}
		if len(ms) != 1 || ms[0].Status != pipeline.StatusSuccess {
			return fmt.Errorf("want one successful run, got %d", len(ms))
		}
		return nil
	})
	return fixture.Copy(t, src)
}

// ranSmallOnce is a copy of smallRun with its configuration, a clock a
// minute after that run (on 2025-05-01 in Paris) and the run's manifest.
func ranSmallOnce(t *testing.T) (*config.Config, *fixture.Clock, []*pipeline.Manifest) {
	t.Helper()
	dir := smallRun(t)
	cfg, err := config.Load(filepath.Join(dir, "channelscope.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.DuckDB.Threads = fixture.DuckDBThreads
	ms, err := pipeline.ReadManifests(cfg.Output, "2025-03")
	if err != nil || len(ms) != 1 {
		t.Fatalf("manifests: %d, %v", len(ms), err)
	}
	return cfg, fixture.NewClock(paris(t, smallRanAt).Add(time.Minute)), ms
}

func paris(t *testing.T, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	at, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// A month waits for its feeds until the cut-off day has passed, then runs
// without the missing distributor and says so; the late feed restates it.
func TestDueRuleLateFeed(t *testing.T) {
	t.Parallel()
	dir := copyTree(t, "testdata/small")
	alpi := filepath.Join(dir, "feeds", "2025-03", "alpi")
	parked := filepath.Join(t.TempDir(), "alpi")
	if err := os.Rename(alpi, parked); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "channelscope.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.DuckDB.Threads = fixture.DuckDBThreads
	clock := fixture.NewClock(time.Time{})
	p := clockPipeline(t, cfg, clock, "0040_channel") // the scorecard says who is missing
	ctx := context.Background()
	agenda := func() *pipeline.Agenda {
		t.Helper()
		a, err := p.Agenda()
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	clock.Set(paris(t, "2025-03-31 23:00"))
	if a := agenda(); len(a.Due) != 0 || len(a.Waiting) != 1 || a.Waiting[0].Reason != "month not over until 2025-04-01T00:00:00+02:00" {
		t.Fatalf("during the month: %+v", a)
	}
	clock.Set(paris(t, "2025-04-15 23:59"))
	a := agenda()
	if len(a.Due) != 0 || len(a.Waiting) != 1 || !reflect.DeepEqual(a.Waiting[0].Missing, []string{"alpi"}) ||
		!a.Waiting[0].Until.Equal(paris(t, "2025-04-16 00:00")) {
		t.Fatalf("before the cut-off: %+v", a)
	}
	if want := "waiting for the feed of alpi until 2025-04-16T00:00:00+02:00 (cut-off)"; a.Waiting[0].Reason != want {
		t.Errorf("reason %q, want %q", a.Waiting[0].Reason, want)
	}
	if ms, err := p.Run(ctx, pipeline.RunOptions{}); err != nil || len(ms) != 0 {
		t.Fatalf("a waiting period ran: %v %v", ms, err)
	}

	clock.Set(paris(t, "2025-04-16 00:00"))
	a = agenda()
	if len(a.Waiting) != 0 || len(a.Due) != 1 || a.Due[0].Reason != "no successful run" || !reflect.DeepEqual(a.Due[0].Missing, []string{"alpi"}) {
		t.Fatalf("after the cut-off: %+v", a)
	}
	ms, err := p.Run(ctx, pipeline.RunOptions{})
	if err != nil || len(ms) != 1 {
		t.Fatalf("run after the cut-off: %v %v", ms, err)
	}
	first := ms[0]
	if !reflect.DeepEqual(first.MissingDistributors, []string{"alpi"}) || first.DueReason != "no successful run" || first.Restated {
		t.Errorf("first manifest: missing %v, due %q, restated %v", first.MissingDistributors, first.DueReason, first.Restated)
	}
	card := query(t, `SELECT distributor, files, missing, on_time FROM read_parquet(? || '/distributor_scorecard/*/*.parquet') ORDER BY distributor`,
		filepath.Join(dir, "out", "parquet"))
	if want := "distributor|files|missing|on_time\nalpi|0|true|false\nnord|1|false|false\n"; card != want {
		t.Errorf("scorecard:\n%s\nwant\n%s", card, want)
	}

	// The feed comes after publication: the period is due again, restated.
	if err := os.Rename(parked, alpi); err != nil {
		t.Fatal(err)
	}
	clock.Set(paris(t, "2025-04-20 10:00"))
	a = agenda()
	if len(a.Due) != 1 || a.Due[0].Reason != "input changed: feeds/2025-03/alpi/sales.csv" || len(a.Due[0].Missing) != 0 {
		t.Fatalf("after the late feed: %+v", a)
	}
	ms, err = p.Run(ctx, pipeline.RunOptions{})
	if err != nil || len(ms) != 1 {
		t.Fatalf("rerun: %v %v", ms, err)
	}
	m := ms[0]
	if !m.Restated || m.PreviousRunID != first.RunID || len(m.MissingDistributors) != 0 ||
		m.DueReason != "input changed: feeds/2025-03/alpi/sales.csv" || !reflect.DeepEqual(m.Changes.InputsAdded, []string{"feeds/2025-03/alpi/sales.csv"}) {
		t.Errorf("restatement manifest: restated %v previous %q (want %q) missing %v due %q changes %+v",
			m.Restated, m.PreviousRunID, first.RunID, m.MissingDistributors, m.DueReason, m.Changes)
	}
	if a := agenda(); len(a.Due)+len(a.Waiting) != 0 {
		t.Errorf("after the restatement: %+v", a)
	}
}

// A change of a result-shaping setting makes the period due again; a
// change of the schedule does not.
func TestDueRuleConfigChanged(t *testing.T) {
	t.Parallel()
	cfg, clock, _ := ranSmallOnce(t)
	cfg.Schedule.Cron = "@daily"
	if due, err := clockPipeline(t, cfg, clock, smallStages).Plan(); err != nil || len(due) != 0 {
		t.Fatalf("schedule changed: %+v %v", due, err)
	}
	cfg.Matching.Accept = 0.95
	if due, err := clockPipeline(t, cfg, clock, smallStages).Plan(); err != nil || len(due) != 1 || due[0].Reason != "config changed" {
		t.Fatalf("matching changed: %+v %v", due, err)
	}
}

// The manifest names the binary; a run made by an older ingest makes its
// period due again, a manifest from before the field was kept does not.
func TestDueRuleIngestChanged(t *testing.T) {
	t.Parallel()
	cfg, clock, ms := ranSmallOnce(t)
	if b := ms[0].Build; b.Ingest != pipeline.IngestVersion || b.Go == "" {
		t.Errorf("build identity not recorded: %+v", b)
	}
	path := filepath.Join(cfg.Output, "runs", ms[0].Period, ms[0].RunID, "manifest.json")
	for _, tt := range []struct {
		ingest int
		want   string
	}{
		{pipeline.IngestVersion - 1, fmt.Sprintf("ingest changed: version %d, now %d", pipeline.IngestVersion-1, pipeline.IngestVersion)},
		{0, ""},
	} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		m["build"].(map[string]any)["ingest_version"] = tt.ingest
		if data, err = json.Marshal(m); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o640); err != nil {
			t.Fatal(err)
		}
		due, err := clockPipeline(t, cfg, clock, smallStages).Plan()
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if len(due) == 1 {
			got = due[0].Reason
		}
		if len(due) > 1 || got != tt.want {
			t.Errorf("ingest version %d in the manifest: due %+v, want reason %q", tt.ingest, due, tt.want)
		}
	}
}

// The prelude is recorded in the manifest like a stage, and a change of it
// makes the period due like a change of a stage.
func TestDueRulePreludeChanged(t *testing.T) {
	t.Parallel()
	cfg, clock, ms := ranSmallOnce(t)
	if s := ms[0].Stages; len(s) == 0 || s[0].File != "0000_macros.sql" || s[0].Number != pipeline.PreludeNumber || len(s[0].Checksum) != 64 {
		t.Fatalf("manifest stages do not start with the prelude: %+v", s)
	}
	ran, err := fixture.StagesThrough(smallStages)
	if err != nil {
		t.Fatal(err)
	}
	stages := fstest.MapFS{}
	err = fs.WalkDir(ran, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(ran, path)
		if path == "0000_macros.sql" {
			data = append(data, "\n-- a comment changes the checksum\n"...)
		}
		stages[path] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(cfg, stages, pipeline.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if due, err := p.Plan(); err != nil || len(due) != 1 || due[0].Reason != "stage changed: 0000_macros.sql" {
		t.Fatalf("prelude changed: %+v %v", due, err)
	}
}
