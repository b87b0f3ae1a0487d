package lake

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// SwapDir replaces the folder final by staged, a finished sibling named
// .<name>.<suffix>.tmp (the report folders use it): staged gets the
// lake's modes, the old folder moves aside to staged+".old", the new one
// is renamed in, the old one removed. Recover puts an old folder back
// when a crash left final missing, and removes a staged one.
func (l *Lake) SwapDir(staged, final string) error {
	err := filepath.WalkDir(staged, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Chmod(path, l.opts.DirMode)
		}
		return os.Chmod(path, l.opts.FileMode)
	})
	if err != nil {
		return err
	}
	old := staged + ".old"
	if err := l.rename(final, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := l.rename(staged, final); err != nil {
		if rerr := l.rename(old, final); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			return errors.Join(err, rerr)
		}
		return err
	}
	return l.removeAll(old)
}

// MkdirAll creates dir and its missing parents with the lake's folder mode.
func (l *Lake) MkdirAll(dir string) error { return l.mkdirs(dir) }
