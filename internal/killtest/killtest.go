// Package killtest kills a test's own binary, re-run as a child process,
// at a chosen point: the crash tests of the lake and the pipeline use it
// to prove what a SIGKILL leaves behind.
package killtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// markerEnv names the file the child creates when it reaches the point.
const markerEnv = "KILLTEST_MARKER"

// Run re-runs test (a test function name) in a child process with
// key=spec in its environment, waits until the child calls Block, kills
// it with SIGKILL and waits for it to die. A child that exits by itself
// fails t with its output.
func Run(t testing.TB, test, key, spec string) {
	t.Helper()
	marker := filepath.Join(t.TempDir(), "reached")
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), key+"="+spec, markerEnv+"="+marker)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for {
		select {
		case err := <-exited:
			t.Fatalf("%s %s: the child exited before being killed: %v\n%s", test, spec, err, out.String())
		case <-time.After(5 * time.Millisecond): // polling the marker, not a deadline
		}
		if _, err := os.Stat(marker); err == nil {
			break
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited
}

// Block tells the parent the child reached the point, then waits to be
// killed.
func Block() {
	if err := os.WriteFile(os.Getenv(markerEnv), nil, 0o600); err != nil {
		panic("killtest: " + err.Error()) // the parent then reports the child's exit
	}
	select {}
}
