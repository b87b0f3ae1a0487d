package pipeline

import (
	"regexp"
	"strings"
)

// Statement is one SQL statement of a stage file and the line it starts on,
// so an error can name file:line as goose does.
type Statement struct {
	Line int
	SQL  string
}

// splitStatements cuts a SQL file at top-level semicolons: those codeOnly
// leaves, so a ';' in a string, a quoted identifier or a comment does not
// cut. A chunk of only comments or blanks is not a statement.
func splitStatements(src string) []Statement {
	code := codeOnly(src) // same length and newlines as src
	var out []Statement
	line, start, startLine := 1, 0, 0 // startLine 0: no code seen yet; start: its offset
	for i := 0; i < len(code); i++ {
		switch c := code[i]; {
		case c == '\n':
			line++
		case c == ';':
			if startLine != 0 {
				out = append(out, Statement{Line: startLine, SQL: strings.TrimSpace(src[start : i+1])})
			}
			startLine = 0
		case c == ' ' || c == '\t' || c == '\r':
		case startLine == 0:
			start, startLine = i, line
		}
	}
	if startLine != 0 {
		out = append(out, Statement{Line: startLine, SQL: strings.TrimSpace(src[start:])})
	}
	return out
}

// codeOnly blanks comments, the insides of '...' strings and "..."
// identifiers (” and "" escapes), keeping quotes, newlines and length, so
// statements are cut and table references read outside them only.
func codeOnly(src string) string {
	b := []byte(src)
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '-' && i+1 < len(b) && b[i+1] == '-':
			for i < len(b) && b[i] != '\n' {
				b[i] = ' '
				i++
			}
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '*':
			for i < len(b) && !(b[i] == '*' && i+1 < len(b) && b[i+1] == '/') {
				if b[i] != '\n' {
					b[i] = ' '
				}
				i++
			}
			if i+1 < len(b) {
				b[i], b[i+1] = ' ', ' '
				i++
			}
		case b[i] == '\'' || b[i] == '"':
			q := b[i]
			for i++; i < len(b); i++ {
				if b[i] == q {
					if i+1 < len(b) && b[i+1] == q {
						b[i], b[i+1] = ' ', ' '
						i++
						continue
					}
					break
				}
				if b[i] != '\n' {
					b[i] = ' '
				}
			}
		}
	}
	return string(b)
}

var (
	// CREATE [OR REPLACE] [TEMP] TABLE|VIEW [IF NOT EXISTS] name
	sqlCreate = regexp.MustCompile(`(?i)\bcreate\s+(?:or\s+replace\s+)?(temp\s+|temporary\s+)?(?:table|view)\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_]*)`)
	// a name after FROM, JOIN, INTO, UPDATE or TABLE that is not a function call
	sqlRef = regexp.MustCompile(`(?i)\b(?:from|join|into|update|table)\s+(?:lateral\s+)?([a-z_][a-z0-9_]*)\b(\s*\()?`)
	// modified in place: INSERT INTO / UPDATE / DELETE FROM / ALTER TABLE name
	sqlModify = regexp.MustCompile(`(?i)\b(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from|alter\s+table)\s+([a-z_][a-z0-9_]*)`)
)

// tableUse is what one stage's SQL does with tables.
type tableUse struct {
	created  map[string]bool // CREATE TABLE/VIEW, temp or not
	temp     map[string]bool // created as TEMP
	modified map[string]bool // INSERT, UPDATE, DELETE, ALTER
	changed  map[string]int  // created or modified name -> line of the first such statement
	refs     map[string]int  // referenced name -> line of first use
}

func scanTables(stmts []Statement) tableUse {
	u := tableUse{created: map[string]bool{}, temp: map[string]bool{}, modified: map[string]bool{},
		changed: map[string]int{}, refs: map[string]int{}}
	for _, st := range stmts {
		code := strings.ToLower(codeOnly(st.SQL))
		lineAt := func(offset int) int { return st.Line + strings.Count(code[:offset], "\n") }
		changed := func(name string, offset int) {
			if _, seen := u.changed[name]; !seen {
				u.changed[name] = lineAt(offset)
			}
		}
		for _, m := range sqlCreate.FindAllStringSubmatchIndex(code, -1) {
			name := code[m[4]:m[5]]
			u.created[name] = true
			if m[2] >= 0 {
				u.temp[name] = true
			}
			changed(name, m[0])
		}
		for _, m := range sqlModify.FindAllStringSubmatchIndex(code, -1) {
			name := code[m[2]:m[3]]
			u.modified[name] = true
			changed(name, m[0])
		}
		for _, m := range sqlRef.FindAllStringSubmatchIndex(code, -1) {
			if m[4] >= 0 { // a table function: read_csv(...), unnest(...)
				continue
			}
			name := code[m[2]:m[3]]
			if _, seen := u.refs[name]; !seen {
				u.refs[name] = lineAt(m[2])
			}
		}
	}
	return u
}
