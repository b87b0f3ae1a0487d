package lake

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
)

// Default modes of what the lake writes: readable by the group that runs
// BI, by nobody else.
const (
	DefaultFileMode fs.FileMode = 0o640
	DefaultDirMode  fs.FileMode = 0o750
)

// Options are the dependencies of a Lake.
type Options struct {
	Logger   *slog.Logger // default: discard
	FileMode fs.FileMode  // mode of every file written; default DefaultFileMode
	DirMode  fs.FileMode  // mode of every folder created; default DefaultDirMode
	// Hook, when set, is called before every step of a publication or a
	// recovery that changes the file system (op is "write", "rename" or
	// "remove"; path is what it changes). A non-nil error fails the step
	// without doing it. Tests fail or block publication at each step.
	Hook func(op, path string) error
}

// Lake is the lake under one output folder.
type Lake struct {
	dir  string
	opts Options
	log  *slog.Logger
}

// Open returns the lake under the output folder dir. It does not touch the
// disk: Recover repairs what a crash left, under the output lock.
func Open(dir string, opts Options) (*Lake, error) {
	if dir == "" {
		return nil, errors.New("lake: no output folder")
	}
	if opts.FileMode == 0 {
		opts.FileMode = DefaultFileMode
	}
	if opts.DirMode == 0 {
		opts.DirMode = DefaultDirMode
	}
	if opts.FileMode&^fs.ModePerm != 0 || opts.DirMode&^fs.ModePerm != 0 {
		return nil, fmt.Errorf("lake: file mode %v and folder mode %v must be permission bits only", opts.FileMode, opts.DirMode)
	}
	if opts.DirMode&0o700 != 0o700 {
		return nil, fmt.Errorf("lake: folder mode %#o must let the owner read, write and enter", opts.DirMode)
	}
	l := &Lake{dir: dir, opts: opts, log: opts.Logger}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	return l, nil
}
