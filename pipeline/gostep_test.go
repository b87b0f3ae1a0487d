package pipeline

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/channelscope/channelscope/outlook"
)

// A Go step runs right after its SQL stage, on the same connection, and is
// recorded like a stage: kind go, version, a checksum of its version and
// source, and the rows of the tables it declares.
func TestGoStepRunsAfterItsStage(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"0000_macros.sql": "-- version: 1\nCREATE OR REPLACE TEMP TABLE shape_doubled (n BIGINT);\nCREATE OR REPLACE TEMP TABLE shape_t (p VARCHAR);\n",
		"0010_prep.sql":   "-- version: 1\n-- lake: t\n-- writes: base\nCREATE TABLE base AS SELECT range AS n FROM range(3);\n",
	}
	body := func(ctx context.Context, conn execer, _ map[string]any) error {
		_, err := conn.ExecContext(ctx, "CREATE TABLE doubled AS SELECT 2 * n AS n FROM base")
		return err
	}
	step := goStep{After: "prep", Name: "double", Version: 1, Source: []byte("v1"), Reads: []string{"base"},
		Writes: []string{"doubled"}, Publish: []string{"doubled"}, Run: body}
	stages, err := loadWith(t, files, step)
	if err != nil {
		t.Fatal(err)
	}
	if len(stages) != 3 || stages[2].Kind != StageKindGo || stages[2].Number != 10 || stages[2].File != "go:double" {
		t.Fatalf("stages: %+v", stages)
	}
	conn := memConn(t)
	recs, err := runStages(context.Background(), conn, stages, nil, time.Now, nil, shapedLake(conn))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[2].Kind != StageKindGo || recs[2].RowsIn["base"] != 3 || recs[2].RowsOut["doubled"] != 3 {
		t.Errorf("records: %+v", recs)
	}
	// The checksum follows the source and the version.
	other := step
	other.Source = []byte("v2")
	again, err := loadWith(t, files, other)
	if err != nil {
		t.Fatal(err)
	}
	if again[2].Checksum == stages[2].Checksum || len(again[2].Checksum) != 64 {
		t.Errorf("checksum %s unchanged by a new source", again[2].Checksum)
	}
	// A failing body fails the stage, naming the Go step.
	failing := step
	failing.Run = func(context.Context, execer, map[string]any) error { return errors.New("no convergence") }
	bad, _ := loadWith(t, files, failing)
	conn = memConn(t)
	_, err = runStages(context.Background(), conn, bad, nil, time.Now, nil, shapedLake(conn))
	if err == nil || !strings.Contains(err.Error(), "go:double") || !strings.Contains(err.Error(), "no convergence") {
		t.Errorf("failing Go step: %v", err)
	}
}

// loadWith loads files as LoadStages does, with step as the Go steps.
func loadWith(t *testing.T, files map[string]string, step goStep) ([]Stage, error) {
	t.Helper()
	return loadStages(stageFS(files), []goStep{step})
}

func TestGoStepChecks(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"0000_macros.sql": "-- version: 1\nCREATE OR REPLACE TEMP TABLE shape_doubled (n BIGINT);\nCREATE OR REPLACE TEMP TABLE shape_t (p VARCHAR);\n",
		"0010_prep.sql":   "-- version: 1\n-- lake: t\n-- writes: base\nCREATE TABLE base AS SELECT 1 AS n;\n",
	}
	run := func(context.Context, execer, map[string]any) error { return nil }
	tests := []struct {
		name string
		step goStep
		want string
	}{
		{"reads what nobody wrote", goStep{After: "prep", Name: "g", Version: 1, Reads: []string{"nowhere"}, Writes: []string{"doubled"}, Run: run},
			"go step reads nowhere, which no stage before it writes"},
		{"writes without a shape", goStep{After: "prep", Name: "g", Version: 1, Reads: []string{"base"}, Writes: []string{"tripled"}, Run: run},
			"no prelude declares its shape shape_tripled"},
		{"publishes what it does not write", goStep{After: "prep", Name: "g", Version: 1, Writes: []string{"doubled"}, Publish: []string{"base"}, Run: run},
			"publishes base, which it does not declare in writes"},
		{"no version", goStep{After: "prep", Name: "g", Writes: []string{"doubled"}, Run: run}, "needs a version"},
		{"shape unused when the stage is absent", goStep{After: "elsewhere", Name: "g", Version: 1, Writes: []string{"doubled"}, Run: run},
			"declares shape_doubled but no stage reads lake: doubled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadWith(t, files, tt.step)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

// The risk class follows p_alive and the configured thresholds; a young
// partner is new, a single purchase is watched (BG/NBD says 1 for it),
// and too few repeat buyers leaves the model unfitted, not the run failed.
func TestOutlookClasses(t *testing.T) {
	t.Parallel()
	p := outlookParams{newWeeks: 13, watchBelow: 0.6, atRiskBelow: 0.3, minRepeat: 20, minHistWeeks: 26}
	bg := outlook.BGNBD{R: 0.8, Alpha: 5, A: 0.6, B: 3}
	gg := outlook.GammaGamma{P: 6, Q: 4, V: 15}
	tests := []struct {
		name string
		c    outlook.Customer
		risk string
		code string
	}{
		{"young", outlook.Customer{X: 1, Tx: 2, T: 8, MeanValue: 100}, "new", "new"},
		{"single purchase", outlook.Customer{X: 0, T: 40}, "watch", "one_purchase"},
		{"steady and recent", outlook.Customer{X: 20, Tx: 50, T: 51, MeanValue: 100}, "healthy", "active"},
		{"steady then silent", outlook.Customer{X: 20, Tx: 30, T: 60, MeanValue: 100}, "at_risk", "overdue"},
	}
	for _, tt := range tests {
		r := outlookRow{c: tt.c, revenue52w: 1000}
		classify(&r, bg, gg, 1, p)
		if r.risk != tt.risk || r.code != tt.code {
			t.Errorf("%s: p_alive %.3f gives %s (%s), want %s (%s)", tt.name, r.pAlive, r.risk, r.code, tt.risk, tt.code)
		}
		if r.code == "overdue" || r.code == "active" {
			if want := tt.c.Tx / tt.c.X; r.values[1] != want || r.values[0] != tt.c.T-tt.c.Tx {
				t.Errorf("%s: reason values %v", tt.name, r.values)
			}
		}
		if r.rev12 < r.rev3 || r.exp12 < r.exp3 {
			t.Errorf("%s: 12 months below 3 months: %+v", tt.name, r)
		}
	}

	// The seasonal index scales the next quarter, not the year.
	c := outlook.Customer{X: 10, Tx: 40, T: 44, MeanValue: 100}
	plain, seasonal := outlookRow{c: c}, outlookRow{c: c}
	classify(&plain, bg, gg, 1, p)
	classify(&seasonal, bg, gg, 1.25, p)
	if math.Abs(seasonal.exp3/plain.exp3-1.25) > 1e-12 || math.Abs(seasonal.rev3/plain.rev3-1.25) > 1e-12 ||
		seasonal.rev12 != plain.rev12 || seasonal.pAlive != plain.pAlive {
		t.Errorf("index 1.25: %+v against %+v", seasonal, plain)
	}

	for _, tt := range []struct {
		name, code string
		t          float64
		values     []float64
	}{
		{"few repeat buyers", "no_model", 30, []float64{2, 20}},
		{"short history", "short_history", 20, []float64{20, 26}},
	} {
		rows := []outlookRow{{c: outlook.Customer{ID: "a", X: 2, Tx: 5, T: 8, MeanValue: 10}},
			{c: outlook.Customer{ID: "b", X: 3, Tx: 20, T: tt.t, MeanValue: 10}}}
		models, err := fitOutlook(rows, nil, p)
		if err != nil {
			t.Fatal(err)
		}
		if rows[0].risk != "new" || rows[1].risk != "" || rows[1].code != tt.code || !slices.Equal(rows[1].values, tt.values) {
			t.Errorf("%s: unfitted rows %+v", tt.name, rows)
		}
		fitted := -1.0
		for _, m := range models {
			if m.model == "bgnbd" && m.param == "fitted" {
				fitted = m.value
			}
		}
		if fitted != 0 {
			t.Errorf("%s: models %+v, want fitted 0", tt.name, models)
		}
	}
}

// The next quarter of October is November to January, across the year.
func TestNextQuarterIndex(t *testing.T) {
	t.Parallel()
	season := []float64{1.2, 1, 1, 1, 1, 1, 1, 0.6, 1, 1, 0.9, 1.5}
	tests := []struct {
		start string
		want  float64
	}{
		{"2026-10-01", (0.9 + 1.5 + 1.2) / 3},
		{"2026-06-01", (1 + 0.6 + 1) / 3},
		{"2026-12-01", (1.2 + 1 + 1) / 3},
	}
	for _, tt := range tests {
		start, _ := time.Parse(time.DateOnly, tt.start)
		if got := nextQuarterIndex(season, start); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: %g, want %g", tt.start, got, tt.want)
		}
	}
	if got := nextQuarterIndex(nil, time.Now()); got != 1 {
		t.Errorf("no index: %g, want 1", got)
	}
}
