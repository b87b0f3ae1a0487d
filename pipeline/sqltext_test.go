package pipeline

import (
	"io/fs"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/channelscope/channelscope"
)

// The regular expressions scanTables used before it read words: the
// specification its word patterns must agree with.
var (
	oracleCreate = regexp.MustCompile(`\bcreate\s+(?:or\s+replace\s+)?(temp\s+|temporary\s+)?(?:table|view)\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_]*)`)
	oracleRef    = regexp.MustCompile(`\b(?:from|join|into|update|table)\s+(?:lateral\s+)?([a-z_][a-z0-9_]*)\b(\s*\()?`)
	oracleModify = regexp.MustCompile(`\b(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from|alter\s+table)\s+([a-z_][a-z0-9_]*)`)
)

func scanTablesByRegexp(stmts []Statement) tableUse {
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
		for _, m := range oracleCreate.FindAllStringSubmatchIndex(code, -1) {
			name := code[m[4]:m[5]]
			u.created[name] = true
			if m[2] >= 0 {
				u.temp[name] = true
			}
			changed(name, m[0])
		}
		for _, m := range oracleModify.FindAllStringSubmatchIndex(code, -1) {
			name := code[m[2]:m[3]]
			u.modified[name] = true
			changed(name, m[0])
		}
		for _, m := range oracleRef.FindAllStringSubmatchIndex(code, -1) {
			if m[4] >= 0 {
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

func FuzzScanTablesOracle(f *testing.F) {
	stages, err := fs.Glob(channelscope.Stages(), "*.sql")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range stages {
		b, err := fs.ReadFile(channelscope.Stages(), name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, s := range []string{
		"CREATE OR REPLACE TEMP TABLE a AS SELECT * FROM b JOIN lateral c ON true",
		"create table if not exists x (a int); create table if not exists 1x; create table if (a int)",
		"insert or replace into t select 1; insert or into t; insert into 9t; delete from d; alter table e add column f int",
		"select * from read_csv ('x') join unnest (y) from lateral (select 1) from lateral\tz from\nq",
		"create or view v; create temp x; create temporary view v2 as select 1 from\"q\"",
		"update u set a = 1 from w; select 1 from(select 2) x join_y from_z fromx y; table t",
		"CREATE TABLE Ünïcode AS SELECT 1 FROM ß; from\v x; from\f y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		stmts := splitStatements(src)
		want, got := scanTablesByRegexp(stmts), scanTables(stmts)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("scanTables(%q)\n got %+v\nwant %+v", src, got, want)
		}
	})
}

// BenchmarkLoadStages loads and checks the embedded stages, as every
// pipeline and command does.
func BenchmarkLoadStages(b *testing.B) {
	for b.Loop() {
		if _, err := LoadStages(channelscope.Stages()); err != nil {
			b.Fatal(err)
		}
	}
}
