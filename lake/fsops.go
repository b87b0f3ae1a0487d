package lake

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// The file system steps of publication and recovery; each one passes the
// Hook first, so a test can fail or stop the lake between any two.

func (l *Lake) step(op, path string) error {
	if l.opts.Hook == nil {
		return nil
	}
	return l.opts.Hook(op, path)
}

func (l *Lake) rename(from, to string) error {
	if err := l.step("rename", from); err != nil {
		return err
	}
	return os.Rename(from, to)
}

func (l *Lake) removeAll(path string) error {
	if err := l.step("remove", path); err != nil {
		return err
	}
	return os.RemoveAll(path)
}

func (l *Lake) remove(path string) error {
	if err := l.step("remove", path); err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !notExist(err) {
		return err
	}
	return nil
}

// writeFile writes data with the lake's file mode, whatever the umask,
// and fsyncs it.
func (l *Lake) writeFile(path string, data []byte) error {
	if err := l.step("write", path); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, l.opts.FileMode)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(l.opts.FileMode)
	}
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// mkdirs creates dir and its missing parents up to the output folder with
// the lake's folder mode, whatever the umask.
func (l *Lake) mkdirs(dir string) error {
	var missing []string
	for d := dir; !l.exists(d); d = filepath.Dir(d) {
		missing = append(missing, d)
		if d == filepath.Dir(d) {
			break
		}
	}
	if err := os.MkdirAll(dir, l.opts.DirMode); err != nil {
		return err
	}
	for _, d := range missing {
		if err := os.Chmod(d, l.opts.DirMode); err != nil {
			return err
		}
	}
	return nil
}

func notExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

func (l *Lake) exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// abs and rel convert between journal paths and real ones.
func (l *Lake) abs(rel string) string {
	if rel == "" {
		return ""
	}
	return filepath.Join(l.dir, filepath.FromSlash(rel))
}

func (l *Lake) rel(path string) string {
	r, err := filepath.Rel(l.dir, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(r)
}

// syncPath fsyncs a file or a folder, so a rename or a write survives a
// power cut before the next step relies on it.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}
