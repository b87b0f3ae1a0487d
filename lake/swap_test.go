package lake_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/lake"
)

// SwapDir puts the staged folder in place with the lake's modes; failing
// the rename in keeps the old folder where it was.
func TestSwapDir(t *testing.T) {
	t.Parallel()
	for _, failIn := range []bool{false, true} {
		out := t.TempDir()
		final := filepath.Join(out, "reports", "2025-03")
		staged := filepath.Join(out, "reports", ".2025-03.ab12.tmp")
		write(t, filepath.Join(final, "summary.pdf"), "old")
		write(t, filepath.Join(staged, "summary.pdf"), "new")
		hook := func(op, path string) error {
			if failIn && op == "rename" && path == staged {
				return errors.New("injected")
			}
			return nil
		}
		l, err := lake.Open(out, lake.Options{Hook: hook})
		if err != nil {
			t.Fatal(err)
		}
		err = l.SwapDir(staged, final)
		want := "new"
		if failIn {
			want = "old"
			if err == nil {
				t.Error("failed rename not reported")
			}
		} else if err != nil {
			t.Fatal(err)
		}
		if got := read(t, filepath.Join(final, "summary.pdf")); got != want {
			t.Errorf("failIn=%v: %q published, want %q", failIn, got, want)
		}
		if info, err := os.Stat(filepath.Join(final, "summary.pdf")); !failIn && (err != nil || info.Mode().Perm() != lake.DefaultFileMode) {
			t.Errorf("mode of the swapped file: %v %v", info.Mode(), err)
		}
		entries, _ := os.ReadDir(filepath.Join(out, "reports"))
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".old") {
				t.Errorf("failIn=%v: left %s", failIn, e.Name())
			}
		}
	}
}
