package main

import (
	"context"
	"fmt"

	"github.com/channelscope/channelscope/synth"
)

func cmdGenerate(_ context.Context, e *env, args []string) error {
	fs, setup := e.flags("generate")
	var o synth.Options
	out := fs.String("out", "", "folder to write the workspace into (required)")
	fs.Int64Var(&o.Seed, "seed", 1, "random seed: the same seed writes the same bytes")
	fs.IntVar(&o.Partners, "partners", 400, "partners in the master")
	fs.IntVar(&o.Months, "months", 24, "months of feeds")
	fs.IntVar(&o.Lines, "lines", 600, "feed lines per month, over all distributors")
	fs.StringVar(&o.End, "end", "2026-10", "last period, YYYY-MM")
	if err := parse(fs, setup, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out is required")
	}
	if err := o.Validate(); err != nil {
		return usageError{err}
	}
	sum, err := synth.Generate(*out, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%+v\n", sum)
	return nil
}
