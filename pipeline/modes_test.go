package pipeline_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

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

// The lake and the manifests get the configured modes: DuckDB's own file
// mode and the umask do not leak through.
func TestOutputPermissions(t *testing.T) {
	t.Parallel()
	p := newPipeline(t, withModes(t, filepath.Join(copyTree(t, "testdata/small"), "channelscope.yaml"), "0600", "0700"))
	if _, err := p.Run(t.Context(), pipeline.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	cfg := p.Config()
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
