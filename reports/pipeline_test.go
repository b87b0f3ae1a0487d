package reports_test

import (
	"context"
	"testing"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/pipeline"
)

// newPipeline loads the configuration at path with the tests' DuckDB
// threads and makes its pipeline, for a test that runs it more than once.
func newPipeline(tb testing.TB, path string) (*config.Config, *pipeline.Pipeline) {
	tb.Helper()
	cfg, err := config.Load(path)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.DuckDB.Threads = fixture.DuckDBThreads
	p, err := pipeline.New(cfg, channelscope.Stages(), pipeline.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return cfg, p
}

// publish runs the workspace of the configuration at path into its lake
// (every due period, or the one of opts) and returns its manifests.
func publish(tb testing.TB, path string, opts pipeline.RunOptions) (*config.Config, []*pipeline.Manifest) {
	tb.Helper()
	cfg, p := newPipeline(tb, path)
	ms, err := p.Run(context.Background(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	return cfg, ms
}
