package pipeline

import (
	"errors"
	"slices"
	"strings"
)

// checkTables verifies each stage's reads, writes and lake headers against
// what its SQL touches, and that each table has one owner. The tables
// checked are those some stage declares or creates: a name outside that set
// (a column after EXTRACT(... FROM x), a CTE) is not a pipeline table and is
// left alone.
//
// One owner: the first stage that declares a table in writes owns it; no
// other stage creates, replaces, inserts into, updates, deletes from or
// alters it (it writes a table of its own instead), so a published table
// is exactly what its stage made. lake_<t> tables belong to the runner,
// which builds them over the prelude's shape_<t>.
func checkTables(stages []Stage) error {
	known := map[string]bool{}
	owner := map[string]string{} // table -> file of the stage that declares it in writes
	uses := make([]tableUse, len(stages))
	for i, st := range stages {
		uses[i] = scanTables(st.Statements)
		for _, list := range [][]string{st.Reads, st.Writes} {
			for _, t := range list {
				known[t] = true
			}
		}
		for _, t := range st.Writes {
			if _, taken := owner[t]; !taken {
				owner[t] = st.File
			}
		}
		for _, t := range st.Lake {
			known["lake_"+t] = true
		}
		for t := range uses[i].created {
			known[t] = true
		}
	}
	var errs []error
	shapes := map[string]bool{} // shape_<t> the prelude creates -> read by some lake header
	prelude := ""
	if len(stages) > 0 && stages[0].Number == PreludeNumber {
		prelude = stages[0].File
		u := uses[0]
		for _, t := range sortedNames(u.changed) {
			if !strings.HasPrefix(t, ShapePrefix) || !u.temp[t] || u.modified[t] {
				errs = append(errs, stageErr(prelude, u.changed[t], "the prelude changes table %s: it creates only TEMP %s<table> lake shapes", t, ShapePrefix))
				continue
			}
			shapes[t] = false
		}
	}
	for i, st := range stages {
		u := uses[i]
		if st.File == prelude {
			continue
		}
		if st.Kind == StageKindGo {
			errs = append(errs, checkGoStep(st, stages[:i], shapes)...)
			continue
		}
		declared := map[string]bool{}
		for _, t := range st.Reads {
			declared[t] = true
		}
		for _, t := range st.Writes {
			declared[t] = true
			if !u.created[t] && !u.modified[t] {
				errs = append(errs, stageErr(st.File, 0, "declares writes: %s but never creates or changes it", t))
			}
		}
		for _, t := range st.Lake {
			declared["lake_"+t] = true
			if _, ok := shapes[ShapePrefix+t]; !ok {
				errs = append(errs, stageErr(st.File, 0, "reads lake: %s but no prelude (0000_*.sql) declares its shape %s%s", t, ShapePrefix, t))
				continue
			}
			shapes[ShapePrefix+t] = true
		}
		for t := range u.created {
			if !u.temp[t] && !declared[t] {
				errs = append(errs, stageErr(st.File, u.changed[t], "creates table %s without declaring it in writes", t))
			}
		}
		for _, t := range sortedNames(u.changed) {
			switch {
			case strings.HasPrefix(t, "lake_") || strings.HasPrefix(t, ShapePrefix):
				errs = append(errs, stageErr(st.File, u.changed[t], "changes %s: the runner builds lake_<table> from the lake over the prelude's %s<table>", t, ShapePrefix))
			case owner[t] != "" && owner[t] != st.File:
				errs = append(errs, stageErr(st.File, u.changed[t], "changes table %s, which %s owns (declares in writes): one owner per table, write a table of this stage instead", t, owner[t]))
			}
		}
		for _, t := range sortedNames(u.refs) {
			if known[t] && !declared[t] && !u.created[t] {
				errs = append(errs, stageErr(st.File, u.refs[t], "uses table %s without declaring it in reads", t))
			}
		}
		for _, t := range st.Reads {
			if _, used := u.refs[t]; !used {
				errs = append(errs, stageErr(st.File, 0, "declares reads: %s but never uses it", t))
			}
		}
	}
	for _, s := range sortedNames(shapes) {
		if !shapes[s] {
			errs = append(errs, stageErr(prelude, 0, "declares %s but no stage reads lake: %s", s, strings.TrimPrefix(s, ShapePrefix)))
		}
	}
	return errors.Join(errs...)
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// checkGoStep checks a Go step against the stages before it: it reads
// tables they write, and creates its tables from the prelude's shapes
// (which count as used).
func checkGoStep(st Stage, before []Stage, shapes map[string]bool) []error {
	var errs []error
	written := map[string]bool{}
	for _, b := range before {
		for _, t := range b.Writes {
			written[t] = true
		}
	}
	for _, t := range st.Reads {
		if !written[t] {
			errs = append(errs, stageErr(st.File, 0, "go step reads %s, which no stage before it writes", t))
		}
	}
	for _, t := range st.Writes {
		if _, ok := shapes[ShapePrefix+t]; !ok {
			errs = append(errs, stageErr(st.File, 0, "go step writes %s but no prelude declares its shape %s%s", t, ShapePrefix, t))
			continue
		}
		shapes[ShapePrefix+t] = true
	}
	return errs
}

// instanceStatements change the DuckDB instance the periods of a Run
// share (its settings, its databases, its extensions), not the period's
// own database: one in a stage would change every later period of a
// catch-up (see scratchDB). SET VARIABLE stays allowed: a variable is the
// period's connection's, closed with it.
var instanceStatements = []string{"attach", "checkpoint", "detach", "install", "load", "pragma", "reset", "set", "use"}

// checkStatements refuses the statements of instanceStatements.
func checkStatements(stages []Stage) error {
	var errs []error
	for _, st := range stages {
		for _, stmt := range st.Statements {
			w := sqlWords(strings.ToLower(codeOnly(stmt.SQL)), stmt.Line)
			if len(w) == 0 || !slices.Contains(instanceStatements, w[0].text) || w.is(0, "set") && w.is(1, "variable") {
				continue
			}
			errs = append(errs, stageErr(st.File, w[0].line, "%s changes the DuckDB instance the periods of a run share: a stage works in its period's database only",
				strings.ToUpper(w[0].text)))
		}
	}
	return errors.Join(errs...)
}
