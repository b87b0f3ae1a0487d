package config

// Outlook configures the outlook step (BG/NBD and Gamma-Gamma per period):
// the thresholds of the risk classes and when the model is fitted at all.
type Outlook struct {
	// NewWeeks: a partner whose first purchase in the history window is
	// fewer weeks before the period's end is new (too young to judge).
	NewWeeks float64 `yaml:"new_weeks"`
	// WatchBelow and AtRiskBelow are p_alive thresholds: under AtRiskBelow
	// a partner is at_risk, under WatchBelow it is on watch.
	WatchBelow  float64 `yaml:"watch_below"`
	AtRiskBelow float64 `yaml:"at_risk_below"`
	// MinRepeatBuyers: with fewer partners having two purchase days or
	// more, the models are not fitted (a young lake): the outlook rows say
	// so and carry no figures, and the run goes on.
	MinRepeatBuyers int `yaml:"min_repeat_buyers"`
	// MinHistoryWeeks: with a shorter history in the lake (the longest
	// tenure of the window), the models are not fitted either: dropouts
	// cannot show yet, the fit runs to the edge where no one stops.
	MinHistoryWeeks float64 `yaml:"min_history_weeks"`
	// Seasonality applies a calendar-month index, estimated from the
	// lake's history, to the next quarter's expected purchases and revenue.
	Seasonality bool `yaml:"seasonality"`
}

func defaultOutlook() Outlook {
	return Outlook{NewWeeks: 13, WatchBelow: 0.6, AtRiskBelow: 0.3, MinRepeatBuyers: 20, MinHistoryWeeks: 26, Seasonality: true}
}

func (o *Outlook) validate(p *checker) {
	if o.NewWeeks < 0 || o.NewWeeks > 520 {
		p.add("outlook.new_weeks", "must be between 0 and 520, got %g", o.NewWeeks)
	}
	if !(0 <= o.AtRiskBelow && o.AtRiskBelow <= o.WatchBelow && o.WatchBelow <= 1) {
		p.add("outlook", "need 0 <= at_risk_below <= watch_below <= 1, got at_risk_below %g, watch_below %g",
			o.AtRiskBelow, o.WatchBelow)
	}
	if o.MinHistoryWeeks < 0 || o.MinHistoryWeeks > 520 {
		p.add("outlook.min_history_weeks", "must be between 0 and 520, got %g", o.MinHistoryWeeks)
	}
	if o.MinRepeatBuyers < 5 {
		p.add("outlook.min_repeat_buyers", "must be at least 5 (four parameters are fitted), got %d", o.MinRepeatBuyers)
	}
}
