package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
)

// A Go step is a stage written in Go, for what SQL does badly (fitting a
// model by maximum likelihood). It follows the SQL stage it is paired
// with (After, by name), which prepares its input tables, and has the
// same bookkeeping: a name, a version, a checksum, reads, writes and
// publish lists, a record in the manifest, a line in `channelscope
// stages`. Its number is its SQL stage's; Kind "go" tells them apart.

// StageKindGo marks a Go step in Stage.Kind and StageRecord.Kind; SQL
// stages leave Kind empty.
const StageKindGo = "go"

// GoRun is the body of a Go step: it reads its input tables and writes
// its output tables on the run's connection; vars are the run's stage
// variables (period, run_id, thresholds).
type GoRun func(ctx context.Context, conn execer, vars map[string]any) error

// goStep declares a Go step.
type goStep struct {
	After   string // name of the SQL stage it follows
	Name    string
	Version int
	// Source is the step's Go source, embedded: the checksum covers it, so
	// a changed step makes every period due like a changed SQL file.
	Source  []byte
	Reads   []string
	Writes  []string
	Publish []string
	Run     GoRun
}

// goSteps lists the Go steps of the pipeline (a function, not a package
// variable: no mutable package state).
func goSteps() []goStep {
	return []goStep{outlookStep()}
}

// withGoSteps inserts, after each SQL stage, the Go steps paired with it.
// A stage set without the paired SQL stage (a test's) gets no Go step.
func withGoSteps(stages []Stage, steps []goStep) ([]Stage, error) {
	out := make([]Stage, 0, len(stages)+len(steps))
	for _, st := range stages {
		out = append(out, st)
		for _, g := range steps {
			if g.After != st.Name {
				continue
			}
			if g.Version < 1 || g.Run == nil {
				return nil, fmt.Errorf("go step %s: needs a version and a body", g.Name)
			}
			for _, t := range g.Publish {
				if !slices.Contains(g.Writes, t) {
					return nil, fmt.Errorf("go step %s: publishes %s, which it does not declare in writes", g.Name, t)
				}
			}
			sum := sha256.New()
			fmt.Fprintf(sum, "go step %s version %d\n", g.Name, g.Version)
			sum.Write(g.Source)
			out = append(out, Stage{Number: st.Number, Name: g.Name, File: "go:" + g.Name, Kind: StageKindGo,
				Version: g.Version, Checksum: hex.EncodeToString(sum.Sum(nil)),
				Reads: g.Reads, Writes: g.Writes, Publish: g.Publish, Run: g.Run})
		}
	}
	return out, nil
}

// runGoStep runs a Go step's body; the caller counts its rows.
func runGoStep(ctx context.Context, conn execer, st Stage, vars map[string]any) error {
	if err := st.Run(ctx, conn, vars); err != nil {
		return fmt.Errorf("go step %s: %w", st.Name, err)
	}
	return nil
}
