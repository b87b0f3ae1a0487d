package pipeline_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/pipeline"
)

// withModes appends an output_permissions section to the config file.
func withModes(t *testing.T, cfgPath, files, dirs string) string {
	f, err := os.OpenFile(cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = f.WriteString("output_permissions:\n  files: \"" + files + "\"\n  dirs: \"" + dirs + "\"\n")
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		t.Fatal(err)
	}
	return cfgPath
}

// TestOutputFolder makes one run of testdata/small (through 0030_match)
// and checks three things of the output folder on it: one process at a
// time publishes, readers share it; a name holding URL escapes and quotes
// works; the lake and the manifests get the configured modes.
func TestOutputFolder(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(withModes(t, filepath.Join(copyTree(t, "testdata/small"), "channelscope.yaml"), "0600", "0700"))
	if err != nil {
		t.Fatal(err)
	}
	// The scratch database is attached by a quoted literal, not named in a DSN.
	cfg.Output = filepath.Join(t.TempDir(), "out %41 l'été")
	cfg.DuckDB.Threads = fixture.DuckDBThreads
	stages, err := fixture.StagesThrough("0030_match")
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(cfg, stages, pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkLockBusy(t, p)
	if _, err := os.Stat(filepath.Join(cfg.Output, "parquet", "sales_out", "period=2025-03", "part-0.parquet")); err != nil {
		t.Fatal(err)
	}
	checkModes(t, cfg.Output)
}

// checkLockBusy checks that p cannot run while another holds its output's
// lock, exclusive or shared (flock locks belong to an open file, so two
// locks in one process conflict as two processes would), and runs it once
// they are gone.
func checkLockBusy(t *testing.T, p *pipeline.Pipeline) {
	t.Helper()
	out := p.Config().Output
	unlock, err := pipeline.Lock(out)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Run(context.Background(), pipeline.RunOptions{})
	if !errors.Is(err, pipeline.ErrBusy) || err.Error() != "busy: another channelscope holds "+filepath.Join(out, ".lock")+"; try again later" {
		t.Fatalf("run while locked: %v", err)
	}
	if _, err := pipeline.LockShared(out); !errors.Is(err, pipeline.ErrBusy) {
		t.Fatalf("shared lock while a run holds it: %v", err)
	}
	unlock()
	r1, err := pipeline.LockShared(out)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := pipeline.LockShared(out)
	if err != nil {
		t.Fatalf("two readers: %v", err)
	}
	if _, err := p.Run(context.Background(), pipeline.RunOptions{}); !errors.Is(err, pipeline.ErrBusy) {
		t.Fatalf("run while a report reads: %v", err)
	}
	r1()
	r2()
	if ms, err := p.Run(context.Background(), pipeline.RunOptions{}); err != nil || len(ms) != 1 {
		t.Fatalf("run after the readers left: %d runs, %v", len(ms), err)
	}
}

// checkModes checks the modes 0600 and 0700 on the lake and the manifests:
// DuckDB's own file mode and the umask do not leak through.
func checkModes(t *testing.T, output string) {
	t.Helper()
	for _, sub := range []string{"parquet", "runs"} {
		n := 0
		err := filepath.WalkDir(filepath.Join(output, sub), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			want := fs.FileMode(0o600)
			if d.IsDir() {
				want = 0o700
			} else {
				n++
			}
			if got := info.Mode().Perm(); got != want {
				t.Errorf("%s: mode %#o, want %#o", path, got, want)
			}
			return nil
		})
		if err != nil || n == 0 {
			t.Fatalf("%s: %d files, %v", sub, n, err)
		}
	}
}
