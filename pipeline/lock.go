package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"
)

// ErrBusy: another process holds the output folder. The command exits 75
// and the caller may try again later.
var ErrBusy = errors.New("busy")

// LockFile is the lock of the lake, relative to the output folder.
const LockFile = ".lock"

// Lock takes the output folder for this process alone: a run or the
// scheduler publishing the lake. It never waits: a held lock is ErrBusy.
func Lock(output string) (unlock func(), err error) { return lockFile(output, LockFile, false) }

// lock takes the lake of this pipeline exclusively.
func (p *Pipeline) lock() (func(), error) { return Lock(p.cfg.Output) }

// LockShared takes the output folder for reading (report, send): many
// readers at once, none while a run publishes.
func LockShared(output string) (unlock func(), err error) { return lockFile(output, LockFile, true) }

// LockDaemon holds name in the output folder exclusively for as long as
// a process lives, e.g. the scheduler's ".schedule.lock".
func LockDaemon(output, name string) (unlock func(), err error) { return lockFile(output, name, false) }

func lockFile(output, name string, shared bool) (func(), error) {
	if err := os.MkdirAll(output, 0o755); err != nil {
		return nil, fmt.Errorf("lock %s: %w", output, err)
	}
	path := filepath.Join(output, name)
	l := flock.New(path)
	try := l.TryLock
	if shared {
		try = l.TryRLock
	}
	ok, err := try()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		return nil, &BusyError{Path: path}
	}
	return func() { _ = l.Unlock() }, nil
}

// BusyError names the lock another process holds; it is ErrBusy.
type BusyError struct{ Path string }

func (e *BusyError) Error() string {
	return "busy: another channelscope holds " + e.Path + "; try again later"
}

func (e *BusyError) Is(target error) bool { return target == ErrBusy }
