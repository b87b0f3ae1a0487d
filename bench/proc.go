package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"
)

// measured is one child process: its wall time and peak resident memory.
type measured struct {
	Seconds float64
	PeakKB  int64 // ru_maxrss of the child (Linux: KiB)
	Stdout  []byte
}

// runner starts child processes, logging their stderr (and stdout unless
// captured) to log.
type runner struct {
	log io.Writer
	dir string // working directory of the children
}

// run starts name with args and waits; capture keeps its stdout.
func (r runner) run(ctx context.Context, capture bool, name string, args ...string) (measured, error) {
	return r.runAllow(ctx, nil, capture, name, args...)
}

// runAllow is run where the exit codes in allow count as success.
func (r runner) runAllow(ctx context.Context, allow []int, capture bool, name string, args ...string) (measured, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = r.dir
	cmd.Stderr = r.log
	var out bytes.Buffer
	if capture {
		cmd.Stdout = &out
	} else {
		cmd.Stdout = r.log
	}
	fmt.Fprintf(r.log, "\n$ %s %q\n", name, args)
	began := time.Now()
	err := cmd.Run()
	m := measured{Seconds: time.Since(began).Seconds(), Stdout: out.Bytes()}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			m.PeakKB = ru.Maxrss
		}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) && slices.Contains(allow, exit.ExitCode()) {
		err = nil
	}
	if err != nil {
		return m, fmt.Errorf("%s %v: %w (see the log)", filepath.Base(name), args, err)
	}
	return m, nil
}

// manifest is the part of a run manifest the benchmark reads.
type manifest struct {
	RunID     string    `json:"run_id"`
	Period    string    `json:"period"`
	Status    string    `json:"status"`
	StartedAt time.Time `json:"started_at"`
	Stages    []struct {
		Name       string `json:"name"`
		DurationMS int64  `json:"duration_ms"`
	} `json:"stages"`
	Files []struct {
		SourceFile string `json:"source_file"`
		DataLines  int64  `json:"data_lines"`
	} `json:"reconciliation"`
	DurationsMS map[string]int64 `json:"durations_ms"`
}

// manifests reads the manifests of period under output, oldest first.
func manifests(output, period string) ([]manifest, error) {
	paths, err := filepath.Glob(filepath.Join(output, "runs", period, "*", "manifest.json"))
	if err != nil {
		return nil, err
	}
	var out []manifest
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var m manifest
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b manifest) int { return a.StartedAt.Compare(b.StartedAt) })
	return out, nil
}

// succeeded tells whether period has a successful run under output.
func succeeded(output, period string) (bool, error) {
	ms, err := manifests(output, period)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(ms, func(m manifest) bool { return m.Status == "success" }), nil
}
