// Package sheet makes text safe to put in a spreadsheet cell (an XLSX or
// CSV export opened in Excel, LibreOffice or Google Sheets).
//
// A cell whose text starts with =, +, -, @, a tab or a carriage return is
// read by spreadsheets as a formula (CSV injection: =HYPERLINK(...) or
// DDE payloads hidden in a reseller name). Every text that came from a
// feed or a reference file and reaches a spreadsheet goes through Escape.
package sheet

import "regexp"

// plainNumber is a number a spreadsheet reads as a value, never a formula.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// Escape returns s as a spreadsheet will show it as text: when it starts
// with a character that opens a formula, it is prefixed with a single
// quote (OWASP's advice; spreadsheets hide the quote). Plain numbers such
// as -12.5 are left alone, as they cannot run anything.
func Escape(s string) string {
	if s == "" || plainNumber.MatchString(s) {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// EscapeRow escapes every cell of a row, in place, and returns it.
func EscapeRow(row []string) []string {
	for i, c := range row {
		row[i] = Escape(c)
	}
	return row
}
