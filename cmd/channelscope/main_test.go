package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"sync"
	"testing"

	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/gofrs/flock"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	// Before testscript.Main: the scripts' channelscope processes are this
	// binary too, and they run and render.
	debug.SetGCPercent(fixture.TestGCPercent)
	testscript.Main(closingM{m}, map[string]func(){
		"channelscope": func() { os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI scenarios of testdata/script/*.txtar, each in
// its own work folder (and so its own lake and DuckDB).
func TestScripts(t *testing.T) {
	t.Parallel()
	var locks sync.Map // absolute path -> *flock.Flock held by the script
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// lock FILE: hold FILE's flock as another channelscope would,
			// until unlock FILE or the end of the script.
			"lock": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: lock FILE")
				}
				path := ts.MkAbs(args[0])
				l := flock.New(path)
				ok, err := l.TryLock()
				if err != nil || !ok {
					ts.Fatalf("lock %s: held elsewhere or %v", path, err)
				}
				locks.Store(path, l)
				ts.Defer(func() { _ = l.Unlock() })
			},
			"unlock": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: unlock FILE")
				}
				l, ok := locks.LoadAndDelete(ts.MkAbs(args[0]))
				if !ok {
					ts.Fatalf("unlock %s: not locked", args[0])
				}
				_ = l.(*flock.Flock).Unlock()
			},
			// sendws DIR: DIR becomes a copy of sendWorkspace, generated
			// and run once for the package.
			"sendws": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: sendws DIR")
				}
				if err := copySendWorkspace(ts.MkAbs(args[0])); err != nil {
					ts.Fatalf("sendws: %v", err)
				}
			},
			// exits N cmd args...: run cmd and require exit status N.
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exits N command [args...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("exits: %v", err)
				}
				err = ts.Exec(args[1], args[2:]...)
				got := 0
				var ee *exec.ExitError
				switch {
				case errors.As(err, &ee):
					got = ee.ExitCode()
				case err != nil:
					ts.Fatalf("exits: %v", err)
				}
				if got != want {
					ts.Fatalf("exit status %d, want %d", got, want)
				}
			},
		},
	})
}
