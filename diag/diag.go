// Package diag is the one error type that configuration, feeds and stages
// report: a stable code saying what kind of fault it is, the place in the
// file at fault (line and column, or row for a spreadsheet), and a message
// for the person who must fix it. The CLI maps codes to exit statuses.
package diag

import (
	"fmt"
	"strings"
)

// Code says what kind of fault an Error is.
type Code string

const (
	// Config: the configuration file is wrong; a person edits it (exit 2).
	Config Code = "config"
	// Feed: a feed file cannot be read as its layout says.
	Feed Code = "feed"
	// Stage: a SQL stage is malformed or failed.
	Stage Code = "stage"
)

// Error is a fault at a place in a file.
type Error struct {
	Code Code
	// Op names the operation, printed first ("stage"); empty for none.
	Op   string
	File string
	// Line and Column are 1-based; 0 when unknown. Row is a spreadsheet
	// row, used instead of Line for XLSX.
	Line, Column, Row int
	Msg               string
	Err               error // the cause, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op + " ")
	}
	b.WriteString(e.File)
	switch {
	case e.Line > 0 && e.Column > 0:
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	case e.Line > 0:
		fmt.Fprintf(&b, ":%d", e.Line)
	case e.Row > 0:
		fmt.Fprintf(&b, " row %d", e.Row)
	}
	sep := ": "
	if e.Msg != "" {
		b.WriteString(sep + e.Msg)
	}
	if e.Err != nil {
		b.WriteString(sep + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }
