package scheduler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/pipeline"
	"github.com/channelscope/channelscope/scheduler"
	_ "github.com/duckdb/duckdb-go/v2"
)

var shared = fixture.NewShared("scheduler-test")

func TestMain(m *testing.M) {
	code := m.Run()
	if err := shared.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// workspace copies the pipeline's small fixture (March 2025) and makes
// April and May from it, dates moved.
func workspace(t *testing.T) string {
	t.Helper()
	cfgPath, err := makeWorkspace(t.TempDir(), "04", "05")
	if err != nil {
		t.Fatal(err)
	}
	return cfgPath
}

// makeWorkspace copies the pipeline's small fixture (March 2025) into dst
// with months (of 2025, "04", ...) made from it, dates moved, and returns
// its configuration's path.
func makeWorkspace(dst string, months ...string) (string, error) {
	src := filepath.Join("..", "pipeline", "testdata", "small")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		return "", err
	}
	for _, m := range months {
		for _, f := range []string{"nord/ventes.csv", "alpi/sales.csv"} {
			data, err := os.ReadFile(filepath.Join(dst, "feeds", "2025-03", f))
			if err != nil {
				return "", err
			}
			data = bytes.ReplaceAll(data, []byte("/03/2025"), []byte("/"+m+"/2025"))
			data = bytes.ReplaceAll(data, []byte("2025-03-"), []byte("2025-"+m+"-"))
			path := filepath.Join(dst, "feeds", "2025-"+m, f)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return "", err
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				return "", err
			}
		}
	}
	return filepath.Join(dst, "channelscope.yaml"), nil
}

// daemonOptions are a daemon's options over the workspace at cfgPath. Its
// runs go through match: the daemon decides what runs and when, and reads
// nothing a later stage computes.
func daemonOptions(cfgPath string, now func() time.Time, log *slog.Logger, after func(context.Context, []*pipeline.Manifest) error) (scheduler.Options, error) {
	stages, err := fixture.StagesThrough("0030_match")
	if err != nil {
		return scheduler.Options{}, err
	}
	return scheduler.Options{
		Load: func() (*config.Config, error) {
			cfg, err := config.Load(cfgPath)
			if err == nil {
				cfg.DuckDB.Threads = fixture.DuckDBThreads
			}
			return cfg, err
		},
		NewRunner: func(cfg *config.Config) (scheduler.Runner, error) {
			return pipeline.New(cfg, stages, pipeline.Options{Now: now, Logger: log})
		},
		Now: now, Logger: log, AfterRun: after,
	}, nil
}

func newDaemon(t *testing.T, cfgPath string, now func() time.Time, log *slog.Logger, after func(context.Context, []*pipeline.Manifest) error) *scheduler.Daemon {
	t.Helper()
	o, err := daemonOptions(cfgPath, now, log, after)
	if err != nil {
		t.Fatal(err)
	}
	d, err := scheduler.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func periods(ms []*pipeline.Manifest) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Period+" "+string(m.Status))
	}
	return out
}

// catchUp is what a daemon down since March did, ticking twice on
// 2025-06-20 at 04:00 (fixture.Clock): what each tick ran, and what
// AfterRun received.
type catchUp struct {
	First, Second []string
	After         [][]string
}

// caughtUp is a shared workspace with March, April and May (workspace)
// where a daemon caught up: ws/ holds the workspace, catchup.json the
// catchUp that TestTickCatchesUp checks.
func caughtUp(t *testing.T) string {
	t.Helper()
	return shared.Dir(t, "caught-up", func(dir string) error {
		cfgPath, err := makeWorkspace(filepath.Join(dir, "ws"), "04", "05")
		if err != nil {
			return err
		}
		var got catchUp
		c := fixture.NewClock(time.Date(2025, 6, 20, 4, 0, 0, 0, time.UTC))
		o, err := daemonOptions(cfgPath, c.Now, nil, func(_ context.Context, ms []*pipeline.Manifest) error {
			got.After = append(got.After, periods(ms))
			return nil
		})
		if err != nil {
			return err
		}
		d, err := scheduler.New(o)
		if err != nil {
			return err
		}
		for _, tick := range []*[]string{&got.First, &got.Second} {
			ms, err := d.Tick(context.Background())
			if err != nil {
				return err
			}
			*tick = periods(ms)
		}
		data, err := json.Marshal(got)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, "catchup.json"), data, 0o644)
	})
}

// A daemon down for three months runs the three, oldest first, once each;
// the next tick runs nothing.
func TestTickCatchesUp(t *testing.T) {
	t.Parallel()
	dir := caughtUp(t)
	data, err := os.ReadFile(filepath.Join(dir, "catchup.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got catchUp
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	want := []string{"2025-03 success", "2025-04 success", "2025-05 success"}
	if !slices.Equal(got.First, want) {
		t.Fatalf("first tick ran %v, want %v", got.First, want)
	}
	if len(got.Second) != 0 {
		t.Fatalf("second tick ran %v", got.Second)
	}
	if len(got.After) != 1 || !slices.Equal(got.After[0], want) {
		t.Errorf("AfterRun got %v, want once %v", got.After, want)
	}
	for _, p := range []string{"2025-03", "2025-04", "2025-05"} {
		runs, _ := os.ReadDir(filepath.Join(dir, "ws", "out", "runs", p))
		if len(runs) != 1 {
			t.Errorf("%s ran %d times", p, len(runs))
		}
	}
}

// A tick while another process holds the lake does nothing and says busy.
func TestTickBusy(t *testing.T) {
	t.Parallel()
	cfgPath := workspace(t)
	c := fixture.NewClock(time.Date(2025, 6, 20, 4, 0, 0, 0, time.UTC))
	d := newDaemon(t, cfgPath, c.Now, nil, nil)
	unlock, err := pipeline.Lock(d.Config().Output)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if ms, err := d.Tick(context.Background()); !errors.Is(err, pipeline.ErrBusy) || len(ms) != 0 {
		t.Fatalf("tick on a held lake: %v %v", periods(ms), err)
	}
}

// cancelOn cancels the daemon's context when the pipeline logs msg: the
// daemon is stopped at a known point of the run, between ingest and the
// first SQL stage, as SIGTERM would.
type cancelOn struct {
	slog.Handler
	msg    string
	cancel context.CancelFunc
}

func (h cancelOn) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.cancel()
	}
	return h.Handler.Handle(ctx, r)
}

func (h cancelOn) WithAttrs(as []slog.Attr) slog.Handler {
	return cancelOn{h.Handler.WithAttrs(as), h.msg, h.cancel}
}

// Stopping the daemon during a run cancels the query, publishes nothing
// and leaves the lake as it was; Run returns nil.
func TestStopDuringRunLeavesLake(t *testing.T) {
	t.Parallel()
	// Published by a daemon's catch-up at 04:00; this daemon starts at 05:00.
	cfgPath := filepath.Join(fixture.Copy(t, filepath.Join(caughtUp(t), "ws")), "channelscope.yaml")
	c := fixture.NewClock(time.Date(2025, 6, 20, 5, 0, 0, 0, time.UTC))
	lake := filepath.Join(filepath.Dir(cfgPath), "out", "parquet")
	before := fixture.Digest(t, lake)
	// A restated April makes April and May due.
	feed := filepath.Join(filepath.Dir(cfgPath), "feeds", "2025-04", "alpi", "sales.csv")
	f, err := os.OpenFile(feed, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "A9,2025-04-20,Nouveau SAS,,75011,CS-100,1,10.00,EUR")
	f.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs bytes.Buffer
	log := slog.New(cancelOn{slog.NewTextHandler(&logs, nil), "ingested", cancel})
	var after int
	d := newDaemon(t, cfgPath, c.Now, log, func(context.Context, []*pipeline.Manifest) error { after++; return nil })
	if err := d.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := fixture.Digest(t, lake); got != before {
		t.Errorf("lake changed by a cancelled run:\n%s\nwas\n%s", got, before)
	}
	runs, _ := os.ReadDir(filepath.Join(filepath.Dir(cfgPath), "out", "runs", "2025-04"))
	ms, _ := os.ReadDir(filepath.Join(filepath.Dir(cfgPath), "out", "runs", "2025-05"))
	if len(runs) != 2 || len(ms) != 1 || after != 0 {
		t.Errorf("April runs %d (want 2: published + cancelled), May runs %d (want 1: not started), AfterRun %d", len(runs), len(ms), after)
	}
	for _, want := range []string{"run cancelled", "daemon stopped"} {
		if !bytes.Contains(logs.Bytes(), []byte(want)) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	scratch, _ := os.ReadDir(filepath.Join(filepath.Dir(cfgPath), "out", ".scratch"))
	if len(scratch) != 0 {
		t.Errorf("scratch left behind: %v", scratch)
	}
}

// A bad new configuration is refused and the one in force kept.
func TestReloadKeepsGoodConfig(t *testing.T) {
	t.Parallel()
	cfgPath := workspace(t)
	c := fixture.NewClock(time.Date(2025, 6, 20, 4, 0, 0, 0, time.UTC))
	d := newDaemon(t, cfgPath, c.Now, nil, nil)
	good, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2025, 6, 20, 4, 0, 0, 0, time.UTC)
	if err := os.WriteFile(cfgPath, append(good, "schedule:\n  cron: \"0 6 31 2 *\"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := d.Reload(); err != nil {
		t.Fatalf("good reload: %v", err)
	}
	if err := os.WriteFile(cfgPath, append(good, "schedule:\n  cron: \"every day\"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := d.Reload(); err == nil {
		t.Fatal("a bad configuration was accepted")
	}
	if got := d.Config().Schedule.Cron; got != "0 6 31 2 *" {
		t.Errorf("schedule in force %q", got)
	}
	// February 31st never comes: only the cut-off wake-ups remain.
	if got, want := d.Next(from), time.Date(2025, 7, 16, 0, 0, 0, 0, d.Config().Schedule.Location()); !got.Equal(want) {
		t.Errorf("next %v, want %v", got, want)
	}
}

// onMessage calls fn once, the first time the daemon logs msg.
type onMessage struct {
	slog.Handler
	msg  string
	once *sync.Once
	fn   func()
}

func (h onMessage) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.once.Do(h.fn)
	}
	return h.Handler.Handle(ctx, r)
}

func (h onMessage) WithAttrs(as []slog.Attr) slog.Handler {
	return onMessage{h.Handler.WithAttrs(as), h.msg, h.once, h.fn}
}

// A scheduled tick that finds the lake held waits and tries again, so a
// manual run or a page reading the lake at the scheduled minute does not
// put the month off to the next tick.
func TestScheduledTickRetriesWhenBusy(t *testing.T) {
	t.Parallel()
	// March alone: one due period is enough to see the retried tick run.
	cfgPath, err := makeWorkspace(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := pipeline.Lock(cfg.Output)
	if err != nil {
		t.Fatal(err)
	}
	var busy atomic.Int32
	log := slog.New(onMessage{slog.NewTextHandler(io.Discard, nil), "lake busy", &sync.Once{}, func() {
		busy.Add(1)
		unlock() // the other holder is done
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var ran []string
	c := fixture.NewClock(time.Date(2025, 6, 20, 4, 0, 0, 0, time.UTC))
	o, err := daemonOptions(cfgPath, c.Now, log, func(_ context.Context, ms []*pipeline.Manifest) error {
		ran = periods(ms)
		cancel()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	o.BusyRetry = 10 * time.Millisecond
	d, err := scheduler.New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if busy.Load() != 1 || len(ran) == 0 {
		t.Fatalf("busy %d times, then ran %v: want one busy tick, then the due periods", busy.Load(), ran)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatal("the retried tick never ran")
	}
}
