package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/channelscope/channelscope/pipeline"
)

// fileList is a repeatable flag.
type fileList []string

func (l *fileList) String() string { return strings.Join(*l, ",") }

func (l *fileList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// heldError: a run published (or a validate found) files held by the
// guard; a person must look. Exit status 3.
type heldError struct{ files int }

func (e heldError) Error() string {
	return fmt.Sprintf("%d file(s) held back, not published as data: a person must look (see above)", e.files)
}

// heldCount counts the files held in the runs ms.
func heldCount(ms []*pipeline.Manifest) int {
	n := 0
	for _, m := range ms {
		n += len(m.HeldFiles)
	}
	return n
}

// reportHeld writes one line per held file in plain words and returns a
// heldError when there is any.
func reportHeld(w io.Writer, ms []*pipeline.Manifest) error {
	for _, m := range ms {
		for _, h := range m.HeldFiles {
			fmt.Fprintf(w, "held %s (distributor %s, period %s): %s; its %d line(s) are in rejects as file_held. "+
				"If the file is right, publish it with: channelscope run --period %s --accept-file %s\n",
				h.SourceFile, h.Distributor, m.Period, heldWhy(h), h.Lines, m.Period, h.SourceFile)
		}
	}
	if n := heldCount(ms); n > 0 {
		return heldError{files: n}
	}
	return nil
}

func heldWhy(h pipeline.HeldFile) string {
	switch h.Reason {
	case "header_only":
		return "it has a header but no sale line (" + h.Detail + ")"
	case "reject_rate":
		return "too many lines rejected: " + h.Detail
	case "volume_collapse":
		return "far fewer lines than usual: " + h.Detail
	}
	return h.Reason + ": " + h.Detail
}
