package main

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/pipeline"
)

// The README's command block is the binary's: every command's line is
// generated from the flag set the command builds.
func TestREADMECommands(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)## Commands\n\n((?:    channelscope [^\n]*\n)+)`).FindSubmatch(data)
	if m == nil {
		t.Fatal("README.md: no indented block of 'channelscope' lines under ## Commands")
	}
	var want []string
	for _, c := range commands() {
		want = append(want, "    "+readmeLine(c))
	}
	got := strings.Split(strings.TrimRight(string(m[1]), "\n"), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("README.md ## Commands block differs from the binary's; want:\n%s\ngot:\n%s",
			strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
}

// Help goes to stdout with status 0; a missing command is bad usage.
func TestHelp(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args       []string
		code       int
		out, err   string
		notOnError bool
	}{
		{args: []string{"--help"}, code: 0, out: "commands:\n  run [--accept-file PATH]..."},
		{args: []string{"help"}, code: 0, out: "onboard FILE [--config F] [--distributor ID]"},
		{args: nil, code: 2, err: "usage: channelscope <command>"},
		{args: []string{"report", "-h"}, code: 0, out: "usage: channelscope report [--config F] [--partner ID] --period P"},
		{args: []string{"generate", "--help"}, code: 0, out: "  --out DIR\n        folder DIR to write the workspace into, required"},
		{args: []string{"run", "--frobnicate"}, code: 2, err: "flag provided but not defined: -frobnicate (channelscope run -h lists its flags)"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), tt.args, strings.NewReader(""), &stdout, &stderr)
		if code != tt.code || !strings.Contains(stdout.String(), tt.out) || !strings.Contains(stderr.String(), tt.err) {
			t.Errorf("channelscope %q: exit %d\nstdout: %s\nstderr: %s\nwant exit %d, stdout with %q, stderr with %q",
				tt.args, code, stdout.String(), stderr.String(), tt.code, tt.out, tt.err)
		}
	}
}

// The README's stage table names every embedded stage with its version.
func TestREADMEStages(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`(?m)^\| (\d{4}_[a-z0-9_]+) \| (\d+) \|`).FindAllSubmatch(data, -1)
	got := map[string]string{}
	for _, r := range rows {
		got[string(r[1])] = string(r[2])
	}
	stages, err := pipeline.LoadStages(channelscope.Stages())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, s := range stages {
		// NNNN_name: a SQL stage's file, or a Go step after its stage
		want[fmt.Sprintf("%04d_%s", s.Number, s.Name)] = strconv.Itoa(s.Version)
	}
	if !maps.Equal(got, want) {
		t.Errorf("README.md stage table %v, binary %v", got, want)
	}
}
