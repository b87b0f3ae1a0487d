package pipeline

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/channelscope/channelscope/diag"
)

// Stage is one versioned SQL file, sql/NNNN_name.sql.
type Stage struct {
	Number   int
	Name     string
	File     string
	Version  int
	Checksum string // sha256 of the file, hex
	Reads    []string
	Writes   []string
	Publish  []string // tables published to the lake for the period
	Lake     []string // lake tables read as lake_<table>: earlier periods' partitions
	// LakeAt holds, for a lake table declared `table@N`, the one period it
	// reads: N months before P (a stage that needs only last year's scores
	// should not load two years of them). N = 0 is P itself as published,
	// before this run replaces it (restatements compare with it).
	LakeAt map[string]int
	SQL    string
	// Statements are the SQL split at top-level semicolons, each with the
	// line it starts on, run one by one so an error names file:line.
	Statements []Statement
	// Kind is StageKindGo for a Go step (see gostep.go), whose Run is its
	// body; empty for a SQL stage.
	Kind string
	Run  GoRun
}

// StageStep numbers stages 0010, 0020, ...: a missing step is a gap.
const StageStep = 10

// PreludeNumber is the number of the prelude, 0000_<name>.sql: the macros
// and lake shapes every stage may use. It runs first, is versioned and
// checksummed like a stage and recorded in the manifest's stages list.
const PreludeNumber = 0

// ShapePrefix names the prelude's empty tables that give each lake table
// its shape: shape_<table> for lake_<table>.
const ShapePrefix = "shape_"

var stageFile = regexp.MustCompile(`^(\d{4})_([a-z][a-z0-9_]*)\.sql$`)

// LoadStages reads and checks every stage of fsys before any runs: names,
// duplicate numbers, gaps, headers, and the tables each touches (see
// checkTables). An optional 0000_<name>.sql is the prelude and comes first.
// Files that are not .sql are ignored.
func LoadStages(fsys fs.FS) ([]Stage, error) { return loadStages(fsys, goSteps()) }

// loadStages is LoadStages with the given Go steps (see gostep.go), each
// placed after the SQL stage it names.
func loadStages(fsys fs.FS, goSteps []goStep) ([]Stage, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("stages: %w", err)
	}
	var stages []Stage
	var errs []error
	byNumber := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		m := stageFile.FindStringSubmatch(name)
		if m == nil {
			errs = append(errs, stageErr(name, 0, "name must be NNNN_name.sql (lower-case name)"))
			continue
		}
		n, _ := strconv.Atoi(m[1])
		if other, dup := byNumber[n]; dup {
			errs = append(errs, stageErr(name, 0, "number %04d already used by %s", n, other))
			continue
		}
		byNumber[n] = name
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, &diag.Error{Code: diag.Stage, Op: "stage", File: name, Err: err})
			continue
		}
		st, err := parseStage(name, m[2], n, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		stages = append(stages, st)
	}
	slices.SortFunc(stages, func(a, b Stage) int { return a.Number - b.Number })
	steps := stages
	if len(steps) > 0 && steps[0].Number == PreludeNumber {
		steps = steps[1:]
	}
	for i, st := range steps {
		if want := (i + 1) * StageStep; st.Number != want {
			errs = append(errs, stageErr(st.File, 0, "gap in numbering, expected %04d next", want))
			break
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(steps) == 0 {
		return nil, errors.New("stages: no NNNN_name.sql files found")
	}
	if stages, err = withGoSteps(stages, goSteps); err != nil {
		return nil, err
	}
	if err := errors.Join(checkStatements(stages), checkTables(stages)); err != nil {
		return nil, err
	}
	return stages, nil
}

// headerLine is a "-- key: value" line of a stage header; the header is
// the leading run of such lines, so prose comments below it may use colons.
var headerLine = regexp.MustCompile(`^--\s*([a-z_]+)\s*:(.*)$`)

// parseStage reads the header and splits the statements.
func parseStage(file, name string, number int, data []byte) (Stage, error) {
	sum := sha256.Sum256(data)
	st := Stage{Number: number, Name: name, File: file, Checksum: hex.EncodeToString(sum[:]), SQL: string(data)}
	for i, line := range strings.Split(string(data), "\n") {
		m := headerLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			break
		}
		key, value := m[1], strings.TrimSpace(m[2])
		switch key {
		case "version":
			v, err := strconv.Atoi(value)
			if err != nil || v < 1 {
				return Stage{}, stageErr(file, i+1, "version must be a positive integer, got %q", value)
			}
			st.Version = v
		case "stage":
			if value != name {
				return Stage{}, stageErr(file, i+1, "header names stage %q but the file is %q", value, name)
			}
		case "reads":
			st.Reads = splitList(value)
		case "writes":
			st.Writes = splitList(value)
		case "publish":
			st.Publish = splitList(value)
		case "lake":
			for _, item := range splitList(value) {
				t, back, err := splitLakeItem(item)
				if err != nil {
					return Stage{}, stageErr(file, i+1, "lake %q: %v", item, err)
				}
				st.Lake = append(st.Lake, t)
				if back >= 0 {
					if st.LakeAt == nil {
						st.LakeAt = map[string]int{}
					}
					st.LakeAt[t] = back
				}
			}
		default:
			return Stage{}, stageErr(file, i+1, "unknown header key %q (known: stage, version, reads, writes, publish, lake)", key)
		}
	}
	if st.Version == 0 {
		return Stage{}, stageErr(file, 0, "missing header line \"-- version: N\"")
	}
	for _, t := range st.Publish {
		if !slices.Contains(st.Writes, t) {
			return Stage{}, stageErr(file, 0, "publishes %s, which it does not declare in writes", t)
		}
	}
	if number == PreludeNumber && len(st.Reads)+len(st.Writes)+len(st.Lake) > 0 {
		return Stage{}, stageErr(file, 0, "the prelude declares no reads, writes, publish or lake: it holds macros and lake shapes only")
	}
	st.Statements = splitStatements(st.SQL)
	return st, nil
}

// splitLakeItem reads `table` (back -1: the history window) or `table@N`
// (N months before P; 0 is P as published before this run).
func splitLakeItem(item string) (string, int, error) {
	t, n, ok := strings.Cut(item, "@")
	if !ok {
		return t, -1, nil
	}
	back, err := strconv.Atoi(n)
	if err != nil || back < 0 || n != strconv.Itoa(back) {
		return "", 0, fmt.Errorf("want table@N with N a number of months of at least 0")
	}
	return t, back, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// StageRecord is what the manifest keeps of one applied stage.
type StageRecord struct {
	Number     int              `json:"number"`
	Name       string           `json:"name"`
	File       string           `json:"file"`
	Version    int              `json:"version"`
	Checksum   string           `json:"checksum"`
	Kind       string           `json:"kind,omitempty"` // "go" for a Go step
	RowsIn     map[string]int64 `json:"rows_in"`
	RowsOut    map[string]int64 `json:"rows_out"`
	DurationMS int64            `json:"duration_ms"`
}

// execer is the part of *sql.Conn the runner needs.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// runStages sets the variables, then runs each stage in order on one
// connection, counting the rows of the tables it declares. prepare, when
// set, runs before each stage (it loads the lake history the stage names).
func runStages(ctx context.Context, conn execer, stages []Stage, vars map[string]any, now func() time.Time,
	log *slog.Logger, prepare func(context.Context, Stage) error) ([]StageRecord, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := setVariables(ctx, conn, vars); err != nil {
		return nil, err
	}
	var recs []StageRecord
	// A table a stage writes changes in that stage only (one owner: see
	// checkTables), so its count after that stage is its count when a
	// later stage reads it; other reads (the ingest tables and views) are
	// counted when read.
	written := map[string]int64{}
	for _, st := range stages {
		start := now()
		rec := StageRecord{Number: st.Number, Name: st.Name, File: st.File, Version: st.Version, Checksum: st.Checksum, Kind: st.Kind}
		// Wall times for the debug log, whatever the clock: loading the
		// lake history and counting rows are the runner's own cost.
		t0 := time.Now()
		if prepare != nil {
			if err := prepare(ctx, st); err != nil {
				return recs, &diag.Error{Code: diag.Stage, Op: "stage", File: st.File, Err: err}
			}
		}
		prepared := time.Since(t0)
		t0 = time.Now()
		var err error
		if rec.RowsIn, err = countReads(ctx, conn, st.Reads, written); err != nil {
			return recs, &diag.Error{Code: diag.Stage, Op: "stage", File: st.File, Err: err}
		}
		counted := time.Since(t0)
		if st.Kind == StageKindGo {
			if err := runGoStep(ctx, conn, st, vars); err != nil {
				return recs, &diag.Error{Code: diag.Stage, Op: "stage", File: st.File, Err: err}
			}
		}
		for _, stmt := range st.Statements {
			t0 = time.Now()
			if _, err := conn.ExecContext(ctx, stmt.SQL); err != nil {
				return recs, &diag.Error{Code: diag.Stage, Op: "stage", File: st.File, Line: stmt.Line, Err: err}
			}
			log.Debug("statement", "file", st.File, "line", stmt.Line, "ms", time.Since(t0).Milliseconds())
		}
		t0 = time.Now()
		if rec.RowsOut, err = countRows(ctx, conn, st.Writes); err != nil {
			return recs, &diag.Error{Code: diag.Stage, Op: "stage", File: st.File, Err: err}
		}
		maps.Copy(written, rec.RowsOut)
		counted += time.Since(t0)
		rec.DurationMS = now().Sub(start).Milliseconds()
		log.Debug("stage", "file", st.File, "prepare_ms", prepared.Milliseconds(), "count_ms", counted.Milliseconds())
		recs = append(recs, rec)
	}
	return recs, nil
}

// Date is a civil date passed to the stages as a DuckDB DATE variable.
type Date time.Time

// setVariables passes parameters as DuckDB variables, bound, never pasted.
func setVariables(ctx context.Context, conn execer, vars map[string]any) error {
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if !identifier.MatchString(k) {
			return fmt.Errorf("variable %q: not an identifier", k)
		}
		q, v := "SET VARIABLE "+k+" = ?", vars[k]
		if d, ok := v.(Date); ok {
			// A Go time.Time binds as TIMESTAMP WITH TIME ZONE: comparing
			// a DATE column with it goes through ICU row by row (50-100x
			// slower) and casting it to DATE depends on the session's time
			// zone. A civil date binds as text and is cast once.
			q, v = "SET VARIABLE "+k+" = CAST(? AS DATE)", time.Time(d).Format(time.DateOnly)
		}
		if _, err := conn.ExecContext(ctx, q, v); err != nil {
			return fmt.Errorf("set variable %s: %w", k, err)
		}
	}
	return nil
}

var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// countRows counts the rows of tables in one query, a UNION ALL of one
// count per table: a round trip per table, twice per stage, was a fixed
// cost of every run, and one row of scalar subqueries plans 10-50 times
// slower than the union (measured on the sample month).
func countRows(ctx context.Context, conn execer, tables []string) (map[string]int64, error) {
	counts := map[string]int64{}
	if len(tables) == 0 {
		return counts, nil
	}
	parts := make([]string, len(tables))
	for i, t := range tables {
		if !identifier.MatchString(t) {
			return nil, fmt.Errorf("table %q in header: not an identifier", t)
		}
		parts[i] = "SELECT " + strconv.Itoa(i) + " AS i, count(*) AS n FROM " + t
	}
	what := strings.Join(tables, ", ")
	rows, err := conn.QueryContext(ctx, strings.Join(parts, " UNION ALL "))
	if err != nil {
		return nil, fmt.Errorf("count %s: %w", what, err)
	}
	defer rows.Close()
	seen := 0
	for rows.Next() {
		seen++
		var i int
		var n int64
		if err := rows.Scan(&i, &n); err != nil {
			return nil, fmt.Errorf("count %s: %w", what, err)
		}
		counts[tables[i]] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count %s: %w", what, err)
	}
	if seen != len(tables) {
		return nil, fmt.Errorf("count %s: %d counts for %d tables", what, seen, len(tables))
	}
	return counts, nil
}

// countReads is countRows of tables, taking the counts of tables in
// written from there.
func countReads(ctx context.Context, conn execer, tables []string, written map[string]int64) (map[string]int64, error) {
	var rest []string
	for _, t := range tables {
		if _, ok := written[t]; !ok {
			rest = append(rest, t)
		}
	}
	counts, err := countRows(ctx, conn, rest)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		if n, ok := written[t]; ok {
			counts[t] = n
		}
	}
	return counts, nil
}

// stageErr is a fault of a stage file at a line (0: the file as a whole).
func stageErr(file string, line int, format string, args ...any) error {
	return &diag.Error{Code: diag.Stage, Op: "stage", File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}
