package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/channelscope/channelscope/internal/fixture"
)

// shared holds the fixtures built once for the package's tests and
// scripts (see fixture.Shared); TestMain removes them.
var shared = fixture.NewShared("channelscope-test")

// closingM removes the shared fixtures once the tests ran: testscript.Main
// exits with m.Run's status, so the cleanup goes inside it.
type closingM struct{ m *testing.M }

func (c closingM) Run() int {
	code := c.m.Run()
	if err := shared.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	return code
}

// sendWorkspace is a generated workspace (seed 3, one month: 2026-10)
// run once with its reports, for TestSendCommand and the send script:
// both need a published period to send and each takes its own copy. One
// month: neither reads a second, and each month costs a run and a
// rendering. The run's report line is checked here, where it
// runs. The run keeps DuckDB's default threads, so a multi-threaded run
// stays covered.
func sendWorkspace() (string, error) {
	return shared.Build("send", func(dir string) error {
		bin, err := exec.LookPath("channelscope") // put on PATH by testscript.Main
		if err != nil {
			return err
		}
		ws := filepath.Join(dir, "ws")
		for _, args := range [][]string{
			{"generate", "--out", ws, "--seed", "3", "--partners", "30", "--months", "1", "--lines", "150", "--end", "2026-10"},
			{"run", "--config", filepath.Join(ws, "channelscope.yaml")},
		} {
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(bin, args...)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("channelscope %v: %w\n%s", args, err, stderr.String())
			}
			if args[0] == "run" && !regexp.MustCompile(`reports 2026-10: [0-9]+ partner pages, [0-9]+ regions, 1 summary, partners.xlsx in `).Match(stdout.Bytes()) {
				return fmt.Errorf("run: no report line for 2026-10:\n%s", stdout.String())
			}
		}
		for _, f := range []string{"summary.pdf", "partners.xlsx"} {
			if _, err := os.Stat(filepath.Join(ws, "out", "reports", "2026-10", f)); err != nil {
				return err
			}
		}
		return nil
	})
}

// copySendWorkspace copies sendWorkspace into dst (which must not exist).
func copySendWorkspace(dst string) error {
	src, err := sendWorkspace()
	if err != nil {
		return err
	}
	return os.CopyFS(dst, os.DirFS(filepath.Join(src, "ws")))
}
