package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/lake"
	"github.com/channelscope/channelscope/pipeline"
)

// Rerunning a period with one changed feed amount publishes exactly the
// restatements that amount causes: in its period the partner's revenue of
// the month and of 12 months and the distributor's amount, in the next
// period (rerun because its window holds the first) the partner's 12-month
// revenue; the periods before are not rerun and keep their empty
// partitions. Before values are what was published, after values that
// plus the change. On a copy of the sample's lake and workspace
// (sampleCopy): its last two periods rerun.
func sampleRestatementsOfOneChangedAmount(t *testing.T) {
	cfg := sampleCopy(t, "out", true)
	out := cfg.Output
	const period, next = "2026-09", "2026-10"
	l, err := lake.Open(out, lake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	scan := func(table, p string) string {
		t.Helper()
		s, err := l.Scan(table, p)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, p := range []string{"2026-07", "2026-08", period, next} {
		if got := query(t, "SELECT count(*) AS n FROM "+scan("restatements", p)); got != "n\n0\n" {
			t.Fatalf("restatements of the first run of %s:\n%s", p, got)
		}
	}
	// A clean EUR line of a comma-separated distributor, matched to a partner.
	row := strings.Split(strings.TrimSpace(query(t, `SELECT source_file, source_line, partner_id, amount
FROM `+scan("sales_out", period)+`
WHERE distributor = 'alpinet' AND currency = 'EUR' AND partner_id IS NOT NULL AND amount > 0 AND amount = amount_orig
ORDER BY source_line LIMIT 1`)), "\n")
	if len(row) != 2 {
		t.Fatalf("no line to change in %s", period)
	}
	f := strings.Split(row[1], "|")
	file, partner := f[0], f[2]
	lineNo, _ := strconv.Atoi(f[1])
	changeAmount(t, filepath.Join(cfg.Workspace, filepath.FromSlash(file)), lineNo, "net_amount", f[3])

	// What was published, by hand: the partner's revenues and the
	// distributor's amount, each to move by exactly 1.00.
	old := func(q string) string {
		t.Helper()
		got := strings.Split(strings.TrimSpace(query(t, q)), "\n")
		return got[len(got)-1]
	}
	plus1 := func(s string) string {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		return strconv.FormatFloat(v+1, 'f', 2, 64)
	}
	scores := func(p string) string {
		return "SELECT CAST(revenue_period AS VARCHAR) || '/' || CAST(revenue_t12m AS VARCHAR) FROM " +
			scan("partner_scores", p) + " WHERE partner_id = '" + partner + "'"
	}
	was := strings.Split(old(scores(period)), "/")
	wasNext := strings.Split(old(scores(next)), "/")
	amount := old("SELECT CAST(CAST(sum(amount) AS DECIMAL(38, 2)) AS VARCHAR) FROM " + scan("sales_out", period) + " WHERE distributor = 'alpinet'")
	runs := map[string]string{}
	for _, p := range []string{period, next} {
		ms, err := pipeline.ReadManifests(out, p)
		if err != nil {
			t.Fatal(err)
		}
		runs[p] = pipeline.LastSuccess(ms).RunID
	}

	p, err := pipeline.New(cfg, channelscope.Stages(), pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := p.Run(context.Background(), pipeline.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Period != period || ms[1].Period != next {
		t.Fatalf("reran %d periods, want %s and %s", len(ms), period, next)
	}
	want := strings.Join([]string{
		"period|previous|restated_by|partner_id|distributor|measure|before|after|delta",
		strings.Join([]string{period, runs[period], ms[0].RunID, "NULL", "alpinet", "amount", amount, plus1(amount), "1.00"}, "|"),
		strings.Join([]string{period, runs[period], ms[0].RunID, partner, "NULL", "revenue_period", was[0], plus1(was[0]), "1.00"}, "|"),
		strings.Join([]string{period, runs[period], ms[0].RunID, partner, "NULL", "revenue_t12m", was[1], plus1(was[1]), "1.00"}, "|"),
		strings.Join([]string{next, runs[next], ms[1].RunID, partner, "NULL", "revenue_t12m", wasNext[1], plus1(wasNext[1]), "1.00"}, "|"),
	}, "\n") + "\n"
	got := query(t, `SELECT period, previous_run_id AS previous, restated_by_run_id AS restated_by, partner_id, distributor,
       measure, before, after, CAST(delta AS VARCHAR) AS delta
FROM read_parquet([`+strings.Join([]string{lake.Quote(l.Partition("restatements", period) + "/part-0.parquet"),
		lake.Quote(l.Partition("restatements", next) + "/part-0.parquet")}, ", ")+`])
ORDER BY period, measure`)
	if got != want {
		t.Errorf("restatements:\n%s\nwant\n%s", got, want)
	}
	for _, p := range []string{"2026-07", "2026-08"} {
		if got := query(t, "SELECT count(*) AS n FROM "+scan("restatements", p)); got != "n\n0\n" {
			t.Errorf("restatements of %s, not rerun:\n%s", p, got)
		}
	}
	// Published with the period, in the manifest of its run.
	for i, rows := range []int64{3, 1} {
		m := ms[i]
		i := slices.IndexFunc(m.Outputs, func(d pipeline.Digest) bool {
			return d.Path == "parquet/restatements/period="+m.Period+"/part-0.parquet"
		})
		if i < 0 || m.Outputs[i].Rows != rows || m.Tables["restatements"] != rows {
			t.Errorf("manifest of %s: restatements not among its outputs with %d rows: %+v", m.Period, rows, m.Outputs)
		}
	}
}

// changeAmount adds 1.00 to the column of line lineNo (1: the header) of
// a comma-separated file with no quotes on that line, whose value is was.
func changeAmount(t *testing.T, path string, lineNo int, column, was string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	header := strings.Split(strings.TrimRight(strings.TrimPrefix(lines[0], "\ufeff"), "\r"), ",")
	col := slices.Index(header, column)
	line := strings.TrimRight(lines[lineNo-1], "\r")
	fields := strings.Split(line, ",")
	if col < 0 || strings.Contains(line, `"`) || len(fields) != len(header) {
		t.Fatalf("%s:%d: not a plain line with a %s column: %q", path, lineNo, column, line)
	}
	v, err := strconv.ParseFloat(fields[col], 64)
	w, _ := strconv.ParseFloat(was, 64)
	if err != nil || v != w {
		t.Fatalf("%s:%d: %s is %q, sales_out says %s", path, lineNo, column, fields[col], was)
	}
	fields[col] = strconv.FormatFloat(v+1, 'f', 2, 64)
	lines[lineNo-1] = strings.Join(fields, ",") + strings.TrimPrefix(lines[lineNo-1], line)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}
