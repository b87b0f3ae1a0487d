package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/onboard"
)

var validID = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// cmdOnboard prints a distributors block guessed from a sample feed, then,
// as YAML comments (so the whole output stays pasteable), what validate
// says of the sample under it.
func cmdOnboard(ctx context.Context, e *env, args []string) error {
	fs, setup := e.flags("onboard")
	id := fs.String("distributor", "", "distributor `ID` (default: from the feed's folder or file name)")
	cfgPath := fs.String("config", defaultConfig, "configuration `F` whose reference files and settings validate the sample")
	// FILE may come before or after the flags.
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() == 0 {
		return usagef("onboard needs a sample feed: channelscope onboard FILE [--distributor ID] [--config F]")
	}
	file := fs.Arg(0)
	if err := parse(fs, setup, fs.Args()[1:]); err != nil {
		return err
	}
	if *id != "" && !validID.MatchString(*id) {
		return usagef("--distributor %q: lower-case ASCII letters, digits, '_' or '-'", *id)
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return fmt.Errorf("onboard %s: %w", file, err)
	}
	if st, err := os.Stat(abs); err != nil {
		return fmt.Errorf("onboard: %w", err)
	} else if !st.Mode().IsRegular() {
		return fmt.Errorf("onboard: %s is not a regular file", file)
	}
	o := onboard.Options{ID: *id, BaseCurrency: cfg.BaseCurrency}
	if o.ID == "" {
		g := onboard.DefaultID(abs)
		o.ID, o.IDNote = g.Value, g.Note
	}
	prop, err := onboard.Guess(os.DirFS(filepath.Dir(abs)), filepath.Base(abs), o)
	if err != nil {
		return err
	}
	block := prop.YAML()
	fmt.Fprint(e.stdout, block)
	if len(prop.Missing) > 0 {
		return fmt.Errorf("no column found for %s: name the headers in the block, then run validate", strings.Join(prop.Missing, ", "))
	}
	d, err := onboard.ParseBlock(block, cfg.BaseCurrency)
	if err != nil {
		return fmt.Errorf("the proposed block does not load (please report it): %w", err)
	}
	period := prop.Period()
	if period == "" {
		return errors.New("no invoice date could be read, so no period to validate; set date_format and run validate")
	}
	chk, err := onboard.NewChecker(cfg, channelscope.Stages(), e.log)
	if err != nil {
		return err
	}
	e.log.Info("validating the sample under the proposed block", "file", file, "period", period, "reference", cfg.Workspace)
	res, err := chk.Check(ctx, d, abs, period)
	if err != nil {
		return fmt.Errorf("validate %s under the proposed block: %w", file, err)
	}
	fmt.Fprint(e.stdout, "\n"+res.Summary())
	return nil
}
