package pipeline

import (
	"slices"
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

// tableUse is what one stage's SQL does with tables.
type tableUse struct {
	created  map[string]bool // CREATE TABLE/VIEW, temp or not
	temp     map[string]bool // created as TEMP
	modified map[string]bool // INSERT, UPDATE, DELETE, ALTER
	changed  map[string]int  // created or modified name -> line of the first such statement
	refs     map[string]int  // referenced name -> line of first use
}

// scanTables reads which tables each statement creates, changes and
// references, over the statement's words (codeOnly, lower case): three
// patterns, each matched left to right without overlap as a regular
// expression would, but on words rather than bytes, since LoadStages runs
// for every pipeline and regular expressions over every stage took 18 ms.
//
//	CREATE [OR REPLACE] [TEMP|TEMPORARY] TABLE|VIEW [IF NOT EXISTS] name
//	INSERT [OR word] INTO | UPDATE | DELETE FROM | ALTER TABLE  name
//	FROM | JOIN | INTO | UPDATE | TABLE  [LATERAL] name   (not name(...): a table function)
//
// Words of a pattern are separated by white space only.
func scanTables(stmts []Statement) tableUse {
	u := tableUse{created: map[string]bool{}, temp: map[string]bool{}, modified: map[string]bool{},
		changed: map[string]int{}, refs: map[string]int{}}
	changed := func(name string, line int) {
		if _, seen := u.changed[name]; !seen {
			u.changed[name] = line
		}
	}
	for _, st := range stmts {
		w := sqlWords(strings.ToLower(codeOnly(st.SQL)), st.Line)
		for k := 0; k < len(w); k++ {
			if name, temp := w.create(k); name > k {
				u.created[w[name].text] = true
				if temp {
					u.temp[w[name].text] = true
				}
				changed(w[name].text, w[k].line)
				k = name
			}
		}
		for k := 0; k < len(w); k++ {
			if name := w.modify(k); name > k {
				u.modified[w[name].text] = true
				changed(w[name].text, w[k].line)
				k = name
			}
		}
		for k := 0; k < len(w); k++ {
			if name := w.ref(k); name > k {
				if _, seen := u.refs[w[name].text]; !seen && !w[name].call {
					u.refs[w[name].text] = w[name].line
				}
				k = name
			}
		}
	}
	return u
}

// sqlWord is a run of [a-z0-9_] in a statement's code.
type sqlWord struct {
	text   string
	line   int
	spaced bool // white space, then the next word
	call   bool // optional white space, then "("
}

type sqlWordList []sqlWord

func sqlWords(code string, line int) sqlWordList {
	var w sqlWordList
	for i := 0; i < len(code); {
		c := code[i]
		if !isWordByte(c) {
			if c == '\n' {
				line++
			}
			i++
			continue
		}
		start := i
		for i < len(code) && isWordByte(code[i]) {
			i++
		}
		word := sqlWord{text: code[start:i], line: line}
		j := i
		for j < len(code) && isSpaceByte(code[j]) {
			j++
		}
		word.spaced = j > i && j < len(code) && isWordByte(code[j])
		word.call = j < len(code) && code[j] == '('
		w = append(w, word)
	}
	return w
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c >= 'A' && c <= 'Z'
}

// isSpaceByte is RE2's \s.
func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// spaced reports whether word k is followed by white space and a word.
func (w sqlWordList) spaced(k int) bool { return k < len(w) && w[k].spaced }

// is reports whether word k is one of words and spaced.
func (w sqlWordList) is(k int, words ...string) bool {
	return w.spaced(k) && slices.Contains(words, w[k].text)
}

// name reports whether word k can be a table name.
func (w sqlWordList) name(k int) bool {
	return k < len(w) && (w[k].text[0] == '_' || w[k].text[0] >= 'a' && w[k].text[0] <= 'z')
}

// create returns the index of the name a CREATE starting at word k
// creates (0 when none starts there), and whether it is TEMP.
func (w sqlWordList) create(k int) (int, bool) {
	if !w.is(k, "create") {
		return 0, false
	}
	m := k + 1
	if w.is(m, "or") {
		if !w.is(m+1, "replace") {
			return 0, false
		}
		m += 2
	}
	temp := w.is(m, "temp", "temporary")
	if temp {
		m++
	}
	if !w.is(m, "table", "view") {
		return 0, false
	}
	m++
	if w.is(m, "if") && w.is(m+1, "not") && w.is(m+2, "exists") && w.name(m+3) {
		return m + 3, temp
	}
	if !w.name(m) {
		return 0, false
	}
	return m, temp
}

// modify returns the index of the name an INSERT, UPDATE, DELETE or ALTER
// starting at word k changes, or 0.
func (w sqlWordList) modify(k int) int {
	m := 0
	switch {
	case w.is(k, "insert"):
		if w.is(k+1, "or") && w.spaced(k+2) && w.is(k+3, "into") {
			m = k + 4
		} else if w.is(k+1, "into") {
			m = k + 2
		}
	case w.is(k, "update"):
		m = k + 1
	case w.is(k, "delete") && w.is(k+1, "from"), w.is(k, "alter") && w.is(k+1, "table"):
		m = k + 2
	}
	if m == 0 || !w.name(m) {
		return 0
	}
	return m
}

// ref returns the index of the name after FROM, JOIN, INTO, UPDATE or TABLE
// at word k (a table function's too: the caller checks call), or 0.
func (w sqlWordList) ref(k int) int {
	if !w.is(k, "from", "join", "into", "update", "table") {
		return 0
	}
	if w.is(k+1, "lateral") && w.name(k+2) {
		return k + 2
	}
	if !w.name(k + 1) {
		return 0
	}
	return k + 1
}
