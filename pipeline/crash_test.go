package pipeline_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/internal/killtest"
	"github.com/channelscope/channelscope/lake"
	"github.com/channelscope/channelscope/pipeline"
)

// A run killed (SIGKILL) in the middle of publishing a rerun, before or
// after its commit point, leaves a lake that the next plain `run` repairs:
// every table of the period from one run, that run's manifest present and
// reflecting the current feeds, nothing staged or scratch left behind.
// The forced rerun (`run --period`) of unchanged feeds is the case where a
// mixed period would otherwise look up to date. The restated feed's case
// also checks what a restatement records: why the period is due, and the
// manifest's changes against the previous run.
func TestRunKilledDuringPublication(t *testing.T) {
	if spec := os.Getenv("CHANNELSCOPE_TEST_KILL"); spec != "" {
		killedRun(t, spec)
		return
	}
	t.Parallel()
	// step 8 renames a partition in; "commit" blocks once the manifest is
	// in place, before the journal goes.
	tests := []struct {
		at       string
		restate  bool  // change a feed first (else force the rerun with --period)
		salesOut int64 // rows of sales_out after the restatement or not
	}{
		{"8", false, 6}, {"commit", true, 7},
	}
	for _, tt := range tests {
		t.Run(tt.at+"/restate="+strconv.FormatBool(tt.restate), func(t *testing.T) {
			t.Parallel()
			dir := smallRun(t) // published once
			cfgPath := filepath.Join(dir, "channelscope.yaml")
			ctx := context.Background()
			mode := "period"
			if tt.restate { // a restated feed makes the period due again
				mode = "due"
				feed := filepath.Join(dir, "feeds", "2025-03", "alpi", "sales.csv")
				data, err := os.ReadFile(feed)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(feed, append(data, "A4,2025-03-20,Ôté SAS,,97400,CS-100,2,100.00,EUR\n"...), 0o644); err != nil {
					t.Fatal(err)
				}
				due, err := newPipelineThrough(t, cfgPath, smallStages).Plan()
				if err != nil || len(due) != 1 || due[0].Reason != "input changed: feeds/2025-03/alpi/sales.csv" {
					t.Fatalf("plan after restatement: %+v %v", due, err)
				}
			}
			killtest.Run(t, "TestRunKilledDuringPublication", "CHANNELSCOPE_TEST_KILL", tt.at+"|"+mode+"|"+cfgPath)

			p := newPipelineThrough(t, cfgPath, smallStages)
			if _, err := p.Run(ctx, pipeline.RunOptions{}); err != nil {
				t.Fatal(err)
			}
			m := checkPeriod(t, p.Config(), "2025-03", tt.salesOut)
			if c := m.Changes; tt.restate && (m.PreviousRunID == "" || c == nil || len(c.InputsChanged) != 1 || c.Tables["sales_out"] != [2]int64{6, 7}) {
				t.Errorf("restatement's changes: previous %q, %+v", m.PreviousRunID, c)
			}
			if due, err := p.Plan(); err != nil || len(due) != 0 {
				t.Errorf("after the repairing run: due %v %v", due, err)
			}
		})
	}
}

// killedRun runs the lake of cfg and blocks at the given publication step
// after telling the parent, which kills it there.
func killedRun(t *testing.T, spec string) {
	parts := strings.SplitN(spec, "|", 3) // step, mode, config
	k, _ := strconv.Atoi(parts[0])
	n := 0
	hook := func(op, path string) error {
		n++
		if n == k || parts[0] == "commit" && op == "remove" && strings.Contains(path, "_journal") {
			killtest.Block()
		}
		return nil
	}
	cfg, err := config.Load(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	cfg.DuckDB.Threads = fixture.DuckDBThreads
	stages, err := fixture.StagesThrough(smallStages) // those of smallRun, whose lake it reruns
	if err != nil {
		t.Fatal(err)
	}
	p, err := pipeline.New(cfg, stages, pipeline.Options{LakeHook: hook})
	if err != nil {
		t.Fatal(err)
	}
	opts := pipeline.RunOptions{}
	if parts[1] == "period" {
		opts.Period = "2025-03"
	}
	_, err = p.Run(context.Background(), opts)
	t.Fatalf("publication step %s never reached: %v", parts[0], err)
}

// checkPeriod checks what readers see of period: every published table
// from one run, whose successful manifest lists the current sales_out
// count, and no journal, staged folder or scratch folder left. It returns
// that run's manifest.
func checkPeriod(t *testing.T, cfg *config.Config, period string, salesOut int64) *pipeline.Manifest {
	t.Helper()
	l, err := lake.Open(cfg.Output, lake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tables, err := os.ReadDir(filepath.Join(cfg.Output, "parquet"))
	if err != nil {
		t.Fatal(err)
	}
	runs := map[string][]string{}
	for _, e := range tables {
		if strings.HasPrefix(e.Name(), "_") {
			continue
		}
		scan, err := l.Scan(e.Name(), period)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range strings.Split(strings.TrimSpace(query(t, "SELECT DISTINCT run_id FROM "+scan)), "\n")[1:] {
			runs[id] = append(runs[id], e.Name())
		}
	}
	if len(runs) != 1 {
		t.Fatalf("period %s mixes runs: %v", period, runs)
	}
	var m pipeline.Manifest
	for id := range runs {
		data, err := os.ReadFile(filepath.Join(l.RunDir(period, id), "manifest.json"))
		if err != nil {
			t.Fatalf("the visible run %s has no manifest: %v", id, err)
		}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		if m.Status != "success" || m.Tables["sales_out"] != salesOut {
			t.Errorf("visible run %s: status %s, %d sales_out, want success and %d", id, m.Status, m.Tables["sales_out"], salesOut)
		}
	}
	var left []string
	_ = filepath.WalkDir(cfg.Output, func(path string, d os.DirEntry, err error) error {
		rel, _ := filepath.Rel(cfg.Output, path)
		if strings.HasSuffix(rel, ".tmp") || strings.HasSuffix(rel, ".old") ||
			strings.Contains(rel, "_journal"+string(filepath.Separator)) || strings.Count(rel, string(filepath.Separator)) == 1 && strings.HasPrefix(rel, ".scratch") {
			left = append(left, rel)
		}
		return nil
	})
	if len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	return &m
}
