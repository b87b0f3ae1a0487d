package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/synth"
)

// daemonLog follows the JSON log of a daemon process, line by line.
type daemonLog struct {
	t     *testing.T
	lines chan map[string]any
	mu    sync.Mutex
	all   bytes.Buffer
}

// waitFor skips log records up to the first that has msg and the given
// attributes. The guard only keeps a broken daemon from hanging the suite.
func (l *daemonLog) waitFor(msg string, attrs ...any) map[string]any {
	l.t.Helper()
	guard := time.After(3 * time.Minute)
	for {
		select {
		case r, ok := <-l.lines:
			if !ok {
				l.t.Fatalf("daemon exited before logging %q %v:\n%s", msg, attrs, l.text())
			}
			if r["msg"] != msg {
				continue
			}
			match := true
			for i := 0; i+1 < len(attrs); i += 2 {
				match = match && fmt.Sprint(r[attrs[i].(string)]) == fmt.Sprint(attrs[i+1])
			}
			if match {
				return r
			}
		case <-guard:
			l.t.Fatalf("daemon never logged %q %v:\n%s", msg, attrs, l.text())
		}
	}
}

func (l *daemonLog) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.all.String()
}

// The daemon as people run it: a process on a shortened schedule against a
// generated workspace. It catches up every period once, then idles; a
// second daemon exits 75; SIGHUP reloads (a bad file is refused); SIGTERM
// during a run stops it, exit 0, the published lake unchanged.
func TestDaemonProcess(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("channelscope") // put on PATH by testscript.Main
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := synth.Generate(dir, synth.Options{Seed: 3, Partners: 60, Months: 2, Lines: 300, End: "2026-10"}); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "channelscope.yaml")
	base, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	writeConfig := func(extra string) {
		t.Helper()
		if err := os.WriteFile(cfgPath, append(bytes.Clone(base), extra...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeConfig("schedule:\n  cron: \"@every 1s\"\n")

	cmd := exec.Command(bin, "schedule", "--config", cfgPath, "--log-format", "json")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	log := &daemonLog{t: t, lines: make(chan map[string]any, 10000)}
	go func() {
		defer close(log.lines)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			log.mu.Lock()
			log.all.Write(append(sc.Bytes(), '\n'))
			log.mu.Unlock()
			var r map[string]any
			if json.Unmarshal(sc.Bytes(), &r) == nil {
				log.lines <- r
			}
		}
	}()

	log.waitFor("daemon started")
	second := exec.Command(bin, "schedule", "--config", cfgPath)
	out, err := second.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitBusy || !strings.Contains(string(out), "busy: another channelscope holds") {
		t.Errorf("second daemon: %v\n%s", err, out)
	}

	log.waitFor("tick done", "runs", 2)
	log.waitFor("tick done", "runs", 0)
	log.waitFor("tick done", "runs", 0)
	output := filepath.Join(dir, "out")
	for _, p := range []string{"2026-09", "2026-10"} {
		runs, _ := os.ReadDir(filepath.Join(output, "runs", p))
		if len(runs) != 1 {
			t.Errorf("%s ran %d times, want once", p, len(runs))
		}
		if _, err := os.Stat(filepath.Join(output, "reports", p, "summary.pdf")); err != nil {
			t.Errorf("reports of %s: %v", p, err)
		}
	}
	lake := fixture.Digest(t, filepath.Join(output, "parquet"))

	writeConfig("schedule:\n  cron: \"every second\"\n")
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	log.waitFor("reload refused, keeping the configuration in force")
	// A result-shaping change makes every period due again.
	writeConfig("schedule:\n  cron: \"@every 1s\"\nmatching:\n  accept: 0.93\n")
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	log.waitFor("configuration reloaded")
	log.waitFor("period due", "period", "2026-09", "reason", "config changed")
	log.waitFor("ingested", "period", "2026-09")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	log.waitFor("daemon stopped")
	for range log.lines { // drain to EOF before Wait closes the pipe
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("daemon after SIGTERM: %v\n%s", err, log.text())
	}
	if got := fixture.Digest(t, filepath.Join(output, "parquet")); got != lake {
		t.Errorf("the lake changed under a stopped run")
	}
	runs, _ := os.ReadDir(filepath.Join(output, "runs", "2026-10"))
	if len(runs) != 1 {
		t.Errorf("2026-10 started after the stop: %d runs", len(runs))
	}
	if !strings.Contains(log.text(), `"msg":"run cancelled: the published lake is unchanged","period":"2026-09"`) {
		t.Errorf("no cancelled run of 2026-09 in the log:\n%s", log.text())
	}
}
