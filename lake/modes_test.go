package lake_test

import (
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/channelscope/channelscope/lake"
)

// Every file and folder the lake writes gets the configured modes,
// whatever DuckDB or the umask would give.
func TestPublishModes(t *testing.T) {
	t.Parallel()
	tests := []struct{ file, dir fs.FileMode }{
		{lake.DefaultFileMode, lake.DefaultDirMode}, {0o600, 0o700}, {0o644, 0o755},
	}
	db := openDB(t)
	for _, tt := range tests {
		out := t.TempDir()
		if err := publish(t, open(t, out, lake.Options{FileMode: tt.file, DirMode: tt.dir}), db, "r1"); err != nil {
			t.Fatal(err)
		}
		for path, got := range modesUnder(t, out) {
			if want := map[bool]fs.FileMode{false: tt.file, true: tt.dir}[got.IsDir()]; got.Perm() != want {
				t.Errorf("%s: mode %v, want %#o", path, got, want)
			}
		}
	}
}

// modesUnder maps every path under dir (not dir itself) to its mode.
func modesUnder(t *testing.T, dir string) map[string]fs.FileMode {
	t.Helper()
	out := map[string]fs.FileMode{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		info, err := d.Info()
		if err == nil {
			out[path] = info.Mode()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
