package pipeline_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/pipeline"
)

// The lake and the manifests get the configured modes: DuckDB's own file
// mode and the umask do not leak through.
func TestOutputPermissions(t *testing.T) {
	t.Parallel()
	dir := copyTree(t, "testdata/small")
	cfg, err := config.Load(filepath.Join(dir, "channelscope.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.OutputPermissions = config.OutputPermissions{Files: "0600", Dirs: "0700"}
	p, err := pipeline.New(cfg, channelscope.Stages(), pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Run(context.Background(), pipeline.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"parquet", "runs"} {
		n := 0
		err := filepath.WalkDir(filepath.Join(cfg.Output, sub), func(path string, d fs.DirEntry, err error) error {
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
