package reports_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/pipeline"
)

// shared holds the fixtures built once for the package's tests (see
// fixture.Shared): tests read them or take a copy.
var shared = fixture.NewShared("reports-test")

func TestMain(m *testing.M) {
	debug.SetGCPercent(fixture.TestGCPercent)
	code := m.Run()
	if err := shared.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// heldRun is heldWorkspace run once into its lake (February and March),
// shared by the held-files and the restatement tests: each renders into,
// or reruns, a copy of its own (fixture.Copy; the workspace's output is
// relative, so a copy writes into itself).
func heldRun(tb testing.TB) string {
	tb.Helper()
	return shared.Dir(tb, "held", func(dir string) error {
		for rel, text := range heldWorkspace() {
			path := filepath.Join(dir, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				return err
			}
		}
		cfg, err := config.Load(filepath.Join(dir, "cs.yaml"))
		if err != nil {
			return err
		}
		cfg.DuckDB.Threads = fixture.DuckDBThreads
		p, err := pipeline.New(cfg, channelscope.Stages(), pipeline.Options{})
		if err != nil {
			return err
		}
		ms, err := p.Run(context.Background(), pipeline.RunOptions{})
		if err != nil {
			return err
		}
		if len(ms) != 2 {
			return fmt.Errorf("ran %d periods, want February and March", len(ms))
		}
		if m := ms[1]; m.Status != pipeline.StatusPartial || len(m.HeldFiles) != 3 {
			return fmt.Errorf("March: status %s, held %+v; want partial with 3 files", m.Status, m.HeldFiles)
		}
		return nil
	})
}
