package reports_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/pipeline"
	"github.com/channelscope/channelscope/synth"
)

// A month run without a distributor's feed says so in plain words.
func TestSummaryNamesMissingFeed(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed; .ci/run installs it")
	}
	t.Parallel()
	dir := t.TempDir()
	if _, err := synth.Generate(dir, synth.Options{Seed: 5, Partners: 40, Months: 1, Lines: 120, End: "2026-10"}); err != nil {
		t.Fatal(err)
	}
	cfg, p := newPipeline(t, filepath.Join(dir, "channelscope.yaml"))
	gone := cfg.Distributors[0]
	if err := os.RemoveAll(filepath.Join(dir, "feeds", "2026-10", gone.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Run(context.Background(), pipeline.RunOptions{Period: "2026-10"}); err != nil {
		t.Fatal(err)
	}
	res := render(t, cfg, "en", "")
	summary := strings.Join(strings.Fields(pdftotext(t, filepath.Join(res.Dir, "summary.pdf"))), " ")
	if want := "No feed came from " + gone.Name + " by the cut-off"; !strings.Contains(summary, want) {
		t.Errorf("summary lacks %q:\n%s", want, summary)
	}
}
