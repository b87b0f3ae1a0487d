package main

import (
	"io"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// terminalProgress draws a byte progress bar on w while a period loads,
// only when w is a terminal: logs and CI output stay clean.
func terminalProgress(w io.Writer) func(string, int64) (func(int64), func()) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func(period string, total int64) (func(int64), func()) {
		bar := progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("loading "+period),
			progressbar.OptionShowBytes(true),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100*time.Millisecond),
		)
		return func(n int64) { _ = bar.Add64(n) }, func() { _ = bar.Finish() }
	}
}

// terminalCounter draws a bar counting files on w, only on a terminal.
func terminalCounter(w io.Writer, what string) func(int) (func(), func()) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func(total int) (func(), func()) {
		bar := progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(what),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100*time.Millisecond),
		)
		return func() { _ = bar.Add(1) }, func() { _ = bar.Finish() }
	}
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
