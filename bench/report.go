package main

import (
	"fmt"
	"io"
	"path"
	"strings"
	"text/tabwriter"
	"time"
)

// floorRun is one floor measured in its own process.
type floorRun struct {
	floorResult
	measured
}

// results of one benchmark.
type results struct {
	opts        options
	started     time.Time
	cores       int
	period      string
	memoryLimit string
	loadBefore  string // load average before and after the measurements
	loadAfter   string
	generate    *measured // nil when the workspace was reused
	floors      []floorRun
	pipeline    measured
	manifest    manifest
	pandas      *measured
	pandasNote  string
}

func mb(kb int64) string { return fmt.Sprintf("%d MB", (kb+512)/1024) }

func secs(ms int64) string { return fmt.Sprintf("%.2f", float64(ms)/1000) }

// monthLines counts the month's feed data lines by file kind, from the manifest.
func (r results) monthLines() (csv, xlsx int64) {
	for _, f := range r.manifest.Files {
		if strings.EqualFold(path.Ext(f.SourceFile), ".xlsx") {
			xlsx += f.DataLines
		} else {
			csv += f.DataLines
		}
	}
	return csv, xlsx
}

func (r results) print(w io.Writer) error {
	csvLines, xlsxLines := r.monthLines()
	all := csvLines + xlsxLines
	fmt.Fprintf(w, "channelscope bench %s: %d cores, seed %d, %d months, --lines %d",
		r.started.UTC().Format("2006-01-02 15:04 MST"), r.cores, r.opts.seed, r.opts.months, r.opts.size)
	if r.opts.partners > 0 {
		fmt.Fprintf(w, ", --partners %d", r.opts.partners)
	}
	fmt.Fprintf(w, "\nmonth %s: %d feed lines (%d CSV, %d XLSX); %d earlier months in the lake; duckdb memory_limit %s\n",
		r.period, all, csvLines, xlsxLines, r.opts.months-1, r.memoryLimit)
	fmt.Fprintf(w, "load average before %s, after %s\n", r.loadBefore, r.loadAfter)
	if r.generate != nil {
		fmt.Fprintf(w, "generate: %.1f s, peak RSS %s\n", r.generate.Seconds, mb(r.generate.PeakKB))
	}
	fmt.Fprintln(w)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "what\tseconds\tpeak RSS\tnote\t")
	var floor float64 // the CSV floor scaled to every line of the month
	for _, f := range r.floors {
		switch f.Kind {
		case "csv":
			floor = f.measured.Seconds
			if f.Rows > 0 {
				floor *= float64(all) / float64(f.Rows)
			}
			fmt.Fprintf(tw, "(a) floor: DuckDB CSV -> Parquet\t%.2f\t%s\t%d rows in %d files (%.2f s in DuckDB)\t\n", f.measured.Seconds, mb(f.PeakKB), f.Rows, f.Files, f.floorResult.Seconds)
			fmt.Fprintf(tw, "    scaled to all %d lines\t%.2f\t\t\t\n", all, floor)
		case "xlsx":
			rate := 0.0
			if f.floorResult.Seconds > 0 {
				rate = float64(f.Rows) / f.floorResult.Seconds
			}
			fmt.Fprintf(tw, "    XLSX floor: Go (xlsxstream) decode\t%.2f\t%s\t%d rows in %d files, %.0f rows/s\t\n", f.measured.Seconds, mb(f.PeakKB), f.Rows, f.Files, rate)
		}
	}
	d := r.manifest.DurationsMS
	fmt.Fprintf(tw, "(b) channelscope run --no-reports\t%.2f\t%s\tmanifest total %s s\t\n", r.pipeline.Seconds, mb(r.pipeline.PeakKB), secs(d["total"]))
	fmt.Fprintf(tw, "      ingest\t%s\t\t\t\n", secs(d["ingest"]))
	for _, s := range r.manifest.Stages {
		fmt.Fprintf(tw, "      %s\t%s\t\t\t\n", s.Name, secs(s.DurationMS))
	}
	fmt.Fprintf(tw, "      publish\t%s\t\t\t\n", secs(d["publish"]))
	if r.pandas != nil {
		fmt.Fprintf(tw, "(d) pandas peer\t%.2f\t%s\t\t\n", r.pandas.Seconds, mb(r.pandas.PeakKB))
	} else {
		fmt.Fprintf(tw, "(d) pandas peer\t\t\t%s\t\n", r.pandasNote)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if floor > 0 {
		fmt.Fprintf(w, "b/a = %.1f (run over the floor scaled to all lines)\n", r.pipeline.Seconds/floor)
	}
	if r.pandas != nil && r.pipeline.Seconds > 0 {
		fmt.Fprintf(w, "d/b = %.1f (pandas over the run)\n", r.pandas.Seconds/r.pipeline.Seconds)
	}
	return nil
}
