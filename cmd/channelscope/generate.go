package main

import (
	"context"
	"fmt"

	"github.com/channelscope/channelscope/synth"
)

func cmdGenerate(_ context.Context, e *env, args []string) error {
	fs, setup := e.flags("generate")
	o := synth.DefaultOptions()
	out := fs.String("out", "", "folder `DIR` to write the workspace into, required")
	fs.Int64Var(&o.Seed, "seed", o.Seed, "random seed `S`: the same options write the same bytes")
	fs.IntVar(&o.Partners, "partners", o.Partners, "`N` partners in the master")
	fs.IntVar(&o.Months, "months", o.Months, "`M` months of feeds")
	fs.IntVar(&o.Lines, "lines", o.Lines, "`L` feed lines per month, over all distributors")
	fs.StringVar(&o.End, "end", o.End, "last period `YYYY-MM`")
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
	fmt.Fprint(e.stdout, sum.String())
	return nil
}
