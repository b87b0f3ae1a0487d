package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one subcommand. Its flags are not listed here: the usage
// text is generated from the flag set the command itself builds, so the
// help, the README (checked by TestREADMECommands) and the binary agree.
type command struct {
	name     string
	operands string // positional arguments, e.g. "FILE"
	summary  string
	run      func(context.Context, *env, []string) error
}

// commands lists the subcommands in the order the help shows them.
func commands() []command {
	return []command{
		{name: "run", summary: "one monthly run, or every due period", run: cmdRun},
		{name: "validate", summary: "check config and feeds, write nothing", run: cmdValidate},
		{name: "generate", summary: "a realistic synthetic workspace with ground truth", run: cmdGenerate},
		{name: "report", summary: "re-render the PDF reports from the lake", run: cmdReport},
		{name: "schedule", summary: "cron daemon: runs due periods, catches up missed ones", run: cmdSchedule},
		{name: "status", summary: "last runs, what is due or waiting and why, next tick, deliveries", run: cmdStatus},
		{name: "send", summary: "email the period's reports, once", run: cmdSend},
		{name: "stages", summary: "list the stages (SQL, and Go steps) with kind, version and checksum", run: cmdStages},
		{name: "review", summary: "the steward's page: decide the review queue and unknown resellers", run: cmdReview},
		{name: "onboard", operands: "FILE", summary: "propose a distributor layout from a sample feed", run: cmdOnboard},
		{name: "forecast", summary: "fit the outlook models on a CSV of transactions, backtest on a holdout (JSON)", run: cmdForecast},
	}
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// flagsOf builds the command's flag set by asking it for its help: every
// command parses its flags before it does anything else.
func flagsOf(c command) *flag.FlagSet {
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	_ = c.run(context.Background(), e, []string{"-h"})
	return e.fs
}

// synopsis is the command line of c: operands, then each flag in
// alphabetical order, bracketed unless its usage says it is required.
func synopsis(c command, fs *flag.FlagSet) string {
	parts := []string{c.name}
	if c.operands != "" {
		parts = append(parts, c.operands)
	}
	if fs != nil {
		fs.VisitAll(func(f *flag.Flag) {
			if f.Name == "log-format" || f.Name == "log-level" {
				return
			}
			name, usage := flag.UnquoteUsage(f)
			s := "--" + f.Name
			if name != "" {
				s += " " + name
			}
			if !strings.HasSuffix(usage, "required") {
				s = "[" + s + "]"
			}
			if strings.HasSuffix(usage, "repeatable") {
				s += "..."
			}
			parts = append(parts, s)
		})
	}
	return strings.Join(parts, " ")
}

// readmeLine is how the README's command block shows c.
func readmeLine(c command) string {
	syn := synopsis(c, flagsOf(c))
	name, rest, _ := strings.Cut(syn, " ")
	return strings.TrimRight(fmt.Sprintf("channelscope %-9s %s", name, rest), " ")
}

func usageText() string {
	var b strings.Builder
	b.WriteString("usage: channelscope <command> [flags]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %s\n      %s\n", synopsis(c, flagsOf(c)), c.summary)
	}
	b.WriteString("\nevery command takes --log-format text|json and --log-level debug|info|warn|error.\n" +
		"Run 'channelscope <command> -h' for its flags.\n")
	return b.String()
}

// printHelp is a command's -h: its line, what it does, its flags.
func printHelp(w io.Writer, c command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: channelscope %s\n\n%s\n\nflags:\n", synopsis(c, fs), c.summary)
	if fs == nil {
		return
	}
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			usage += fmt.Sprintf(" (default %q)", f.DefValue)
		}
		fmt.Fprintf(w, "%s\n        %s\n", line, usage)
	})
}
