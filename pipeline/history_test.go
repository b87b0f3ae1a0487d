package pipeline_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/lake"
	"github.com/channelscope/channelscope/pipeline"
	"github.com/channelscope/channelscope/synth"
)

// An output folder whose name holds glob characters, a URL escape or a
// quote keeps its history: the last period's scores, which read the
// month before from the lake, are the same as under a plain name. (A '?' in the
// output folder is a config error; the lake package's TestHistoryGlobSafe
// covers it.)
func TestHistoryUnderOddOutputNames(t *testing.T) {
	t.Parallel()
	ws := t.TempDir()
	if _, err := synth.Generate(ws, synth.Options{Seed: 3, Partners: 40, Months: 2, Lines: 120, End: "2026-03"}); err != nil {
		t.Fatal(err)
	}
	scores := map[string]string{}
	for _, name := range []string{"plain", "ws[2024] a*b%41'c"} {
		cfg, err := config.Load(filepath.Join(ws, "channelscope.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Output = filepath.Join(t.TempDir(), name)
		cfg.DuckDB.Threads = fixture.DuckDBThreads
		p, err := pipeline.New(cfg, channelscope.Stages(), pipeline.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Run(context.Background(), pipeline.RunOptions{}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		l, err := lake.Open(cfg.Output, lake.Options{})
		if err != nil {
			t.Fatal(err)
		}
		scan, err := l.Scan("partner_scores", "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		scores[name] = query(t, "SELECT partner_id, revenue_t12m, months_active_t12m FROM "+scan+" ORDER BY ALL")
	}
	if !strings.Contains(scores["plain"], "|2\n") {
		t.Fatalf("no partner active in both months under a plain name: the fixture shows no history\n%s", scores["plain"])
	}
	for name, got := range scores {
		if got != scores["plain"] {
			t.Errorf("scores under %q differ from a plain output folder:\n%s\nwant\n%s", name, got, scores["plain"])
		}
	}
}
