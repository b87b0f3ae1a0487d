package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/channelscope/channelscope/outlook"
)

// cmdForecast fits BG/NBD and Gamma-Gamma on a CSV of transactions up to
// the calibration end and prints the fits as JSON, with the holdout's
// backtest when --holdout-end is given: how analysts test the model on
// their own history.
func cmdForecast(_ context.Context, e *env, args []string) error {
	fs, setup := e.flags("forecast")
	file := fs.String("transactions", "", "CSV `FILE` with a header customer_id,date,amount, required")
	calEnd := fs.String("calibration-end", "", "last day `YYYY-MM-DD` of the history the models are fitted on, required")
	holdEnd := fs.String("holdout-end", "", "last day `YYYY-MM-DD` of the holdout to compare the forecast with (default: no holdout)")
	unitName := fs.String("unit", "week", "time unit of the models: `week|day`")
	if err := parse(fs, setup, args); err != nil {
		return err
	}
	if *file == "" || *calEnd == "" {
		return usagef("forecast needs --transactions FILE and --calibration-end YYYY-MM-DD")
	}
	cal, err := time.Parse(time.DateOnly, *calEnd)
	if err != nil {
		return usagef("--calibration-end %q: want YYYY-MM-DD", *calEnd)
	}
	var hold time.Time
	if *holdEnd != "" {
		if hold, err = time.Parse(time.DateOnly, *holdEnd); err != nil {
			return usagef("--holdout-end %q: want YYYY-MM-DD", *holdEnd)
		}
		if !hold.After(cal) {
			return usagef("--holdout-end %s is not after --calibration-end %s", *holdEnd, *calEnd)
		}
	}
	unit, err := outlook.ParseUnit(*unitName)
	if err != nil {
		return usagef("--unit: %v", err)
	}
	f, err := os.Open(*file)
	if err != nil {
		return fmt.Errorf("forecast: %w", err)
	}
	defer f.Close()
	txs, err := outlook.ReadTransactions(f, *file)
	if err != nil {
		return err
	}
	panel, err := outlook.Summarize(txs, cal, hold, unit)
	if err != nil {
		return fmt.Errorf("forecast: %w", err)
	}
	e.log.Info("transactions read", "file", *file, "transactions", len(txs), "customers", len(panel.Customers),
		"after_end", panel.AfterEnd, "return_only_days", panel.ReturnDays, "customers_first_buying_after_calibration", panel.LateCustomers, "unit", unit.String())
	if len(panel.Customers) == 0 {
		return fmt.Errorf("forecast %s: no customer bought on or before %s", *file, *calEnd)
	}
	rep, err := outlook.Backtest(panel)
	if err != nil {
		return fmt.Errorf("forecast %s: %w", *file, err)
	}
	for _, n := range rep.BGNBD.Model().Notes() {
		e.log.Warn("BG/NBD fit at a boundary", "note", n)
	}
	for _, n := range rep.GammaGamma.Model().Notes() {
		e.log.Warn("Gamma-Gamma fit at a boundary", "note", n)
	}
	out, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("forecast: %w", err)
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", out)
	return err
}
