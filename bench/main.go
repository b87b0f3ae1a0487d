// Command bench measures a monthly run of channelscope against its floor
// and the pandas peer on a generated workspace, in one go:
//
//	go run ./bench -size 100000      (or bench/run.sh 100000)
//
// It builds the binary, generates the workspace (seed 3, 13 months) under
// bench/out unless it is there already, runs the months before the last
// into the lake (not timed), then measures, each in its own process for its
// peak RSS: (a) the floor, DuckDB alone reading the last month's CSV feeds
// into Parquet (and Go decoding its XLSX feeds, reported apart); (b) a
// rerun of the last month with --no-reports, stage by stage from its
// manifest; (d) the pandas peer on the same month. Progress and the
// children's output go to bench/out/<workspace>.log; the table to stdout.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/channelscope/channelscope/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == "floor" {
		err = cmdFloor(ctx, os.Args[2:], os.Stdout)
	} else {
		err = run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// options of one benchmark.
type options struct {
	size, months, partners int
	seed                   int64
	root, out, peer, py    string
	pandas, prepare        bool
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.size, "size", 100000, "feed lines a month (generate --lines)")
	fs.IntVar(&o.months, "months", 13, "months generated; all but the last are loaded into the lake first")
	fs.IntVar(&o.partners, "partners", 0, "partners in the master (0: the generator's default)")
	fs.Int64Var(&o.seed, "seed", 3, "generator seed")
	fs.StringVar(&o.root, "root", ".", "the repository (where go.mod is)")
	fs.StringVar(&o.out, "out", "", "folder for the binary, workspaces and logs (default <root>/bench/out)")
	fs.StringVar(&o.peer, "peer", "", "the pandas peer script (default <root>/../shared/peer/pandas_month.py)")
	fs.StringVar(&o.py, "python", "/usr/bin/python3", "the Python with pandas, openpyxl and PyYAML (Debian: python3-pandas python3-openpyxl python3-yaml)")
	fs.BoolVar(&o.pandas, "pandas", true, "measure the pandas peer")
	fs.BoolVar(&o.prepare, "prepare", false, "only generate the workspace and load the lake (a later run reuses both)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() == 1 { // bench/run.sh SIZE
		n, err := strconv.Atoi(fs.Arg(0))
		if err != nil {
			return o, fmt.Errorf("size %q is not a number", fs.Arg(0))
		}
		o.size = n
	} else if fs.NArg() > 1 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.size <= 0 || o.months < 2 {
		return o, errors.New("-size must be positive and -months at least 2")
	}
	root, err := filepath.Abs(o.root)
	if err != nil {
		return o, err
	}
	o.root = root
	if o.out == "" {
		o.out = filepath.Join(root, "bench", "out")
	}
	if o.peer == "" {
		o.peer = filepath.Join(root, "..", "shared", "peer", "pandas_month.py")
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("ws-%d-m%d-s%d-p%d", o.size, o.months, o.seed, o.partners)
	ws := filepath.Join(o.out, name)
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(o.out, name+".log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	log := io.MultiWriter(logf, stderr)
	say := func(format string, a ...any) { fmt.Fprintf(log, "bench: "+format+"\n", a...) }
	r := runner{log: logf, dir: o.root}
	self, err := os.Executable()
	if err != nil {
		return err
	}

	bin := filepath.Join(o.out, "channelscope")
	say("building %s", bin)
	if _, err := r.run(ctx, false, "go", "build", "-o", bin, "./cmd/channelscope"); err != nil {
		return err
	}

	var res results
	res.opts, res.started = o, time.Now()
	marker := filepath.Join(ws, ".bench-options")
	want := fmt.Sprintf("seed %d months %d lines %d partners %d\n", o.seed, o.months, o.size, o.partners)
	if got, err := os.ReadFile(marker); err != nil || string(got) != want {
		say("generating %s (%s)", ws, strings.TrimSpace(want))
		if err := os.RemoveAll(ws); err != nil {
			return err
		}
		gen := []string{"generate", "--out", ws, "--seed", fmt.Sprint(o.seed), "--months", fmt.Sprint(o.months), "--lines", fmt.Sprint(o.size)}
		if o.partners > 0 {
			gen = append(gen, "--partners", fmt.Sprint(o.partners))
		}
		m, err := r.run(ctx, false, bin, gen...)
		if err != nil {
			return err
		}
		res.generate = &m
		if err := os.WriteFile(marker, []byte(want), 0o644); err != nil {
			return err
		}
	} else {
		say("reusing %s", ws)
	}

	cfgPath := filepath.Join(ws, "channelscope.yaml")
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return err
	}
	res.memoryLimit = cfg.DuckDB.MemoryLimit
	periods, err := feedPeriods(cfg.Workspace)
	if err != nil {
		return err
	}
	last := periods[len(periods)-1]
	res.period = last
	// The lake: every month once, untimed, the last too, so (b) is a rerun.
	for _, p := range periods {
		ok, err := succeeded(cfg.Output, p)
		if err != nil {
			return err
		}
		if ok {
			continue
		}
		say("loading %s into the lake (not timed)", p)
		if _, err := r.runAllow(ctx, []int{exitHeld}, false, bin, "run", "--config", cfgPath, "--period", p, "--no-reports", "--log-level", "warn"); err != nil {
			return err
		}
	}

	if o.prepare {
		say("prepared %s", ws)
		return nil
	}

	res.loadBefore = loadAvg()
	floorOut := filepath.Join(o.out, name+"-floor")
	defer os.RemoveAll(floorOut)
	for _, kind := range []string{"csv", "xlsx"} {
		say("(a) floor: %s", kind)
		m, err := r.run(ctx, true, self, "floor", "-kind", kind, "-config", cfgPath, "-period", last, "-out", filepath.Join(floorOut, kind))
		if err != nil {
			return err
		}
		var f floorResult
		if err := json.Unmarshal(m.Stdout, &f); err != nil {
			return fmt.Errorf("floor %s: %w", kind, err)
		}
		res.floors = append(res.floors, floorRun{floorResult: f, measured: m})
	}

	say("(b) channelscope run --period %s --no-reports", last)
	m, err := r.runAllow(ctx, []int{exitHeld}, false, bin, "run", "--config", cfgPath, "--period", last, "--no-reports", "--log-level", "warn")
	if err != nil {
		return err
	}
	res.pipeline = m
	ms, err := manifests(cfg.Output, last)
	if err != nil || len(ms) == 0 {
		return fmt.Errorf("manifest of %s: %v", last, err)
	}
	res.manifest = ms[len(ms)-1]

	if o.pandas {
		if _, err := os.Stat(o.peer); err != nil {
			res.pandasNote = fmt.Sprintf("not measured: %v", err)
		} else {
			say("(d) pandas peer %s", o.peer)
			pout := filepath.Join(o.out, name+"-pandas")
			defer os.RemoveAll(pout)
			m, err := r.run(ctx, false, o.py, o.peer, ws, last, pout)
			if err != nil {
				return err
			}
			res.pandas = &m
		}
	} else {
		res.pandasNote = "not measured (-pandas=false)"
	}
	res.cores, res.loadAfter = runtime.NumCPU(), loadAvg()
	return res.print(stdout)
}

// loadAvg is the machine's load average (1, 5, 15 minutes): the figures
// of a shared machine mean little without it.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// exitHeld is the exit status of a run that published with held files.
const exitHeld = 3

// feedPeriods lists the periods under workspace/feeds, oldest first.
func feedPeriods(workspace string) ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(workspace, "feeds"))
	if err != nil {
		return nil, err
	}
	var ps []string
	for _, e := range ents {
		if _, err := time.Parse("2006-01", e.Name()); e.IsDir() && err == nil {
			ps = append(ps, e.Name())
		}
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("no periods under %s/feeds", workspace)
	}
	slices.Sort(ps)
	return ps, nil
}
