package pipeline_test

import (
	"context"
	"path/filepath"
	"testing"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/pipeline"
	"github.com/channelscope/channelscope/synth"
)

// BenchmarkRunPeriod runs one generated month of 100,000 feed lines (three
// distributors: Windows-1252 CSV, UTF-8 CSV, XLSX) from ingest to
// publication and reports source lines per second.
func BenchmarkRunPeriod(b *testing.B) {
	dir := b.TempDir()
	sum, err := synth.Generate(dir, synth.Options{Seed: 3, Partners: 5000, Months: 1, Lines: 100_000, End: "2026-10"})
	if err != nil {
		b.Fatal(err)
	}
	// Not newPipeline: a benchmark measures the configured thread count.
	cfg, err := config.Load(filepath.Join(dir, "channelscope.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	p, err := pipeline.New(cfg, channelscope.Stages(), pipeline.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		m, err := p.RunPeriod(context.Background(), "2026-10", false)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(m.DurationsMS["ingest"]), "ingest-ms")
		b.ReportMetric(float64(m.DurationsMS["stages"]), "stages-ms")
		b.ReportMetric(float64(m.DurationsMS["publish"]), "publish-ms")
	}
	b.ReportMetric(float64(sum.Lines*b.N)/b.Elapsed().Seconds(), "lines/s")
}
