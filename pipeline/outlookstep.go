package pipeline

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/channelscope/channelscope/outlook"
)

//go:embed outlookstep.go
var outlookSource []byte // read-only: the step's checksum

// Weeks ahead of the outlook's horizons.
const (
	weeksQuarter = 13.0
	weeksYear    = 52.0
)

// outlookStep fits BG/NBD and Gamma-Gamma on the partners' purchase
// summaries the outlook stage prepared, and writes partner_outlook and
// outlook_models. Bump Version when the outlook package's fits change.
func outlookStep() goStep {
	return goStep{After: "outlook", Name: "outlook_fit", Version: 1, Source: outlookSource,
		Reads:  []string{"outlook_partners", "outlook_season"},
		Writes: []string{"partner_outlook", "outlook_models"}, Publish: []string{"partner_outlook", "outlook_models"},
		Run: runOutlook}
}

// outlookRow is a partner's summary and, once fitted, its outlook.
type outlookRow struct {
	c                   outlook.Customer
	revenue, revenue52w float64
	first, last         time.Time
	pAlive, exp3, exp12 float64 // expected purchases
	rev3, rev12, atRisk float64
	risk, code          string
	values              []float64
}

// outlookParams are the step's variables (see Pipeline.outlookVars).
type outlookParams struct {
	periodStart                                     time.Time
	newWeeks, watchBelow, atRiskBelow, minHistWeeks float64
	minRepeat                                       int
	seasonality                                     bool
}

// outlookParamsOf reads the step's variables; a missing or mistyped one is
// a fault of the runner, named.
func outlookParamsOf(vars map[string]any) (outlookParams, error) {
	var p outlookParams
	var start Date
	var bad []string
	get := func(name string, ok bool) {
		if !ok {
			bad = append(bad, name)
		}
	}
	var ok bool
	start, ok = vars["period_start"].(Date)
	get("period_start", ok)
	p.periodStart = time.Time(start)
	p.newWeeks, ok = vars["outlook_new_weeks"].(float64)
	get("outlook_new_weeks", ok)
	p.watchBelow, ok = vars["outlook_watch_below"].(float64)
	get("outlook_watch_below", ok)
	p.atRiskBelow, ok = vars["outlook_at_risk_below"].(float64)
	get("outlook_at_risk_below", ok)
	p.minHistWeeks, ok = vars["outlook_min_history_weeks"].(float64)
	get("outlook_min_history_weeks", ok)
	p.minRepeat, ok = vars["outlook_min_repeat_buyers"].(int)
	get("outlook_min_repeat_buyers", ok)
	p.seasonality, ok = vars["outlook_seasonality"].(bool)
	get("outlook_seasonality", ok)
	if len(bad) > 0 {
		return p, fmt.Errorf("variables missing or mistyped: %s", strings.Join(bad, ", "))
	}
	return p, nil
}

func runOutlook(ctx context.Context, conn execer, vars map[string]any) error {
	p, err := outlookParamsOf(vars)
	if err != nil {
		return err
	}
	for _, t := range []string{"partner_outlook", "outlook_models"} {
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TABLE "+t+" AS SELECT * FROM "+ShapePrefix+t+" LIMIT 0"); err != nil {
			return fmt.Errorf("create %s: %w", t, err)
		}
	}
	rows, err := readOutlookPartners(ctx, conn)
	if err != nil {
		return err
	}
	season, err := readSeason(ctx, conn)
	if err != nil {
		return err
	}
	models, err := fitOutlook(rows, season, p)
	if err != nil {
		return err
	}
	if err := insertOutlook(ctx, conn, rows); err != nil {
		return err
	}
	return insertModels(ctx, conn, models)
}

func readOutlookPartners(ctx context.Context, conn execer) ([]outlookRow, error) {
	q := `SELECT partner_id, x, t_x, t, coalesce(mean_value, 0), revenue_window, revenue_52w, first_purchase, last_purchase
FROM outlook_partners ORDER BY partner_id`
	rs, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read outlook_partners: %w", err)
	}
	defer rs.Close()
	var out []outlookRow
	for rs.Next() {
		var r outlookRow
		var x int64
		if err := rs.Scan(&r.c.ID, &x, &r.c.Tx, &r.c.T, &r.c.MeanValue, &r.revenue, &r.revenue52w, &r.first, &r.last); err != nil {
			return nil, fmt.Errorf("read outlook_partners: %w", err)
		}
		r.c.X = float64(x)
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("read outlook_partners: %w", err)
	}
	return out, nil
}

// readSeason returns the twelve calendar-month indices, or nil when the
// stage estimated none.
func readSeason(ctx context.Context, conn execer) ([]float64, error) {
	rs, err := conn.QueryContext(ctx, "SELECT month, seasonal_index FROM outlook_season ORDER BY month")
	if err != nil {
		return nil, fmt.Errorf("read outlook_season: %w", err)
	}
	defer rs.Close()
	idx := make([]float64, 12)
	n := 0
	for rs.Next() {
		var m int
		var v float64
		if err := rs.Scan(&m, &v); err != nil {
			return nil, fmt.Errorf("read outlook_season: %w", err)
		}
		if m >= 1 && m <= 12 {
			idx[m-1], n = v, n+1
		}
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("read outlook_season: %w", err)
	}
	if n != 12 {
		return nil, nil
	}
	return idx, nil
}

// modelRow is a row of outlook_models.
type modelRow struct {
	model, param string
	value        float64
}

// fitOutlook fits the models and fills each row's outlook; it returns
// the rows of outlook_models. Too few repeat buyers is not an error (a
// young lake): the rows say so. A fit that fails or gives parameters that
// are not finite and positive is, with the numbers.
func fitOutlook(rows []outlookRow, season []float64, p outlookParams) ([]modelRow, error) {
	var all, repeat []outlook.Customer
	for _, r := range rows {
		all = append(all, r.c)
		if r.c.X > 0 && r.c.MeanValue > 0 {
			repeat = append(repeat, r.c)
		}
	}
	// The history the lake holds: the longest tenure of the window.
	history := 0.0
	for _, c := range all {
		history = math.Max(history, c.T)
	}
	models := []modelRow{{"bgnbd", "partners", float64(len(all))}, {"gamma_gamma", "repeat_buyers", float64(len(repeat))},
		{"bgnbd", "history_weeks", history}}
	// A young lake: dropouts cannot show yet, the likelihood peaks at the
	// edge (no one ever stops) and the fit says nothing. No model, and the
	// run goes on.
	code, values := "", []float64(nil)
	switch {
	case history < p.minHistWeeks:
		code, values = "short_history", []float64{history, p.minHistWeeks}
	case len(repeat) < p.minRepeat:
		code, values = "no_model", []float64{float64(len(repeat)), float64(p.minRepeat)}
	}
	if code != "" {
		models = append(models, modelRow{"bgnbd", "fitted", 0})
		for i := range rows {
			r := &rows[i]
			r.pAlive, r.exp3, r.exp12, r.rev3, r.rev12, r.atRisk = nan, nan, nan, nan, nan, nan
			r.code, r.values = code, values
			if r.c.T < p.newWeeks {
				r.risk = "new"
			}
		}
		return models, nil
	}
	bg, err := outlook.FitBGNBD(all)
	if err == nil {
		err = checkFinite(bg.R, bg.Alpha, bg.A, bg.B, bg.LogLik)
	}
	if err != nil {
		return nil, fmt.Errorf("BG/NBD fit on %d partners (%d with repeat purchases) failed: r=%g alpha=%g a=%g b=%g loglik=%g: %w",
			len(all), len(repeat), bg.R, bg.Alpha, bg.A, bg.B, bg.LogLik, err)
	}
	gg, err := outlook.FitGammaGamma(repeat)
	if err == nil {
		err = checkFinite(gg.P, gg.Q, gg.V, gg.LogLik)
	}
	if err == nil && gg.Q <= 1 {
		err = fmt.Errorf("q %g <= 1: the mean value per purchase is infinite", gg.Q)
	}
	if err != nil {
		return nil, fmt.Errorf("Gamma-Gamma fit on %d repeat buyers failed: p=%g q=%g v=%g loglik=%g: %w",
			len(repeat), gg.P, gg.Q, gg.V, gg.LogLik, err)
	}
	idx3 := 1.0
	if p.seasonality {
		idx3 = nextQuarterIndex(season, p.periodStart)
	}
	models = append(models,
		modelRow{"bgnbd", "fitted", 1},
		modelRow{"bgnbd", "r", bg.R}, modelRow{"bgnbd", "alpha", bg.Alpha},
		modelRow{"bgnbd", "a", bg.A}, modelRow{"bgnbd", "b", bg.B},
		modelRow{"bgnbd", "loglik", bg.LogLik}, modelRow{"bgnbd", "n", float64(bg.N)},
		// a/(a+b) near zero: nobody seems to stop, p_alive is near 1 for
		// everyone and ranks no one (outlook.BGNBD.Notes)
		modelRow{"bgnbd", "mean_dropout", bg.MeanDropout()}, modelRow{"bgnbd", "p_alive_informative", boolValue(bg.MeanDropout() >= 1e-3)},
		modelRow{"gamma_gamma", "p", gg.P}, modelRow{"gamma_gamma", "q", gg.Q}, modelRow{"gamma_gamma", "v", gg.V},
		modelRow{"gamma_gamma", "loglik", gg.LogLik}, modelRow{"gamma_gamma", "n", float64(gg.N)},
		modelRow{"seasonal", "next_quarter_index", idx3})
	for m, v := range season {
		models = append(models, modelRow{"seasonal", fmt.Sprintf("m%02d", m+1), v})
	}
	for i := range rows {
		classify(&rows[i], bg, gg, idx3, p)
	}
	return models, nil
}

var nan = math.NaN()

// nextQuarterIndex is the mean seasonal index of the three calendar months
// after the period starting at start; 1 without indices.
func nextQuarterIndex(season []float64, start time.Time) float64 {
	if len(season) != 12 {
		return 1
	}
	idx := 0.0
	for k := 1; k <= 3; k++ {
		idx += season[int(start.AddDate(0, k, 0).Month())-1] / 3
	}
	return idx
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func checkFinite(vs ...float64) error {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("a parameter or the log-likelihood is not finite")
		}
	}
	for _, v := range vs[:len(vs)-1] {
		if v <= 0 {
			return fmt.Errorf("a parameter is not positive")
		}
	}
	return nil
}

// classify computes a partner's figures and its risk class.
func classify(r *outlookRow, bg outlook.BGNBD, gg outlook.GammaGamma, idx3 float64, p outlookParams) {
	c := r.c
	r.pAlive = bg.PAlive(c)
	value := gg.ExpectedValue(c)
	e3, e12 := bg.ExpectedPurchases(c, weeksQuarter), bg.ExpectedPurchases(c, weeksYear)
	r.exp3, r.exp12 = e3*idx3, e12
	r.rev3, r.rev12 = e3*idx3*value, e12*value
	// What it bought in a quarter over the last year (over its weeks
	// since its first purchase when fewer), times the chance it has
	// stopped: a partner lost long ago has nothing left at risk.
	r.atRisk = r.revenue52w / math.Min(math.Max(c.T, weeksQuarter), weeksYear) * weeksQuarter * (1 - r.pAlive)
	since := c.T - c.Tx
	switch {
	case c.T < p.newWeeks:
		r.risk, r.code, r.values = "new", "new", []float64{c.T}
	case c.X == 0:
		// BG/NBD says 1 for a single purchase (nobody drops out before a
		// repeat): the model cannot judge, a person should.
		r.risk, r.code, r.values = "watch", "one_purchase", []float64{since}
	default:
		gap := c.Tx / c.X
		r.code, r.values = "overdue", []float64{since, gap, r.pAlive}
		switch {
		case r.pAlive < p.atRiskBelow:
			r.risk = "at_risk"
		case r.pAlive < p.watchBelow:
			r.risk = "watch"
		default:
			r.risk, r.code = "healthy", "active"
		}
	}
}

// OutlookReason is the English sentence of an outlook reason code with
// its values (the reports render the same codes per language).
func OutlookReason(code string, v []float64) string {
	at := func(i int) float64 {
		if i < len(v) {
			return v[i]
		}
		return nan
	}
	switch code {
	case "new":
		return fmt.Sprintf("first purchase %.0f weeks ago: too new to judge", at(0))
	case "one_purchase":
		return fmt.Sprintf("one purchase day only, %.0f weeks ago: no buying rhythm to judge by", at(0))
	case "overdue":
		return fmt.Sprintf("last purchase %.0f weeks ago against a usual gap of %.0f weeks: %.0f%% chance still buying", at(0), at(1), 100*at(2))
	case "active":
		return fmt.Sprintf("last purchase %.0f weeks ago, usual gap %.0f weeks: %.0f%% chance still buying", at(0), at(1), 100*at(2))
	case "no_model":
		return fmt.Sprintf("too few partners to fit the outlook model: %.0f with repeat purchases, %.0f needed", at(0), at(1))
	case "short_history":
		return fmt.Sprintf("too short a history to fit the outlook model: %.0f weeks, %.0f needed", at(0), at(1))
	}
	return code
}

// insertOutlook writes the rows as one INSERT of column lists unnested
// side by side (NaN and "" stand for NULL): one statement for 200,000
// partners rather than a round trip each.
func insertOutlook(ctx context.Context, conn execer, rows []outlookRow) error {
	n := len(rows)
	ids, risks, codes, values, reasons := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	first, last := make([]string, n), make([]string, n)
	x := make([]int64, n)
	cols := make([][]float64, 9)
	for i := range cols {
		cols[i] = make([]float64, n)
	}
	for i, r := range rows {
		ids[i], risks[i], codes[i] = r.c.ID, r.risk, r.code
		var vs []string
		for _, v := range r.values {
			vs = append(vs, strconv.FormatFloat(v, 'g', -1, 64))
		}
		values[i], reasons[i] = strings.Join(vs, "|"), OutlookReason(r.code, r.values)
		first[i], last[i] = r.first.Format(time.DateOnly), r.last.Format(time.DateOnly)
		x[i] = int64(r.c.X)
		for j, v := range []float64{r.c.Tx, r.c.T, r.revenue, r.c.MeanValue, r.pAlive, r.exp3, r.rev3, r.rev12, r.atRisk} {
			cols[j][i] = v
		}
	}
	const q = `INSERT INTO partner_outlook BY NAME
SELECT getvariable('period') AS period, partner_id, purchases,
       round(recency_weeks, 2) AS recency_weeks, round(tenure_weeks, 2) AS tenure_weeks,
       CAST(first_purchase AS DATE) AS first_purchase, CAST(last_purchase AS DATE) AS last_purchase,
       CAST(revenue_window AS DECIMAL(38, 2)) AS revenue_window,
       CASE WHEN purchases > 0 THEN mean_value END AS mean_value,
       nullif_nan(p_alive) AS p_alive, nullif_nan(e3) AS expected_purchases_3m,
       nullif_nan(r3) AS expected_revenue_3m, nullif_nan(r12) AS expected_revenue_12m,
       nullif_nan(at_risk) AS revenue_at_risk_3m, nullif(risk, '') AS risk, reason_code,
       list_transform(list_filter(string_split(reason_values, '|'), s -> s <> ''), s -> CAST(s AS DOUBLE)) AS reason_values,
       reasons, getvariable('run_id') AS run_id
FROM (SELECT unnest(?::VARCHAR[]) AS partner_id, unnest(?::BIGINT[]) AS purchases,
             unnest(?::DOUBLE[]) AS recency_weeks, unnest(?::DOUBLE[]) AS tenure_weeks,
             unnest(?::VARCHAR[]) AS first_purchase, unnest(?::VARCHAR[]) AS last_purchase,
             unnest(?::DOUBLE[]) AS revenue_window, unnest(?::DOUBLE[]) AS mean_value,
             unnest(?::DOUBLE[]) AS p_alive, unnest(?::DOUBLE[]) AS e3, unnest(?::DOUBLE[]) AS r3,
             unnest(?::DOUBLE[]) AS r12, unnest(?::DOUBLE[]) AS at_risk,
             unnest(?::VARCHAR[]) AS risk, unnest(?::VARCHAR[]) AS reason_code,
             unnest(?::VARCHAR[]) AS reason_values, unnest(?::VARCHAR[]) AS reasons)
ORDER BY partner_id`
	if n == 0 {
		return nil
	}
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP MACRO nullif_nan(v) AS CASE WHEN isnan(v) THEN NULL ELSE v END"); err != nil {
		return fmt.Errorf("write partner_outlook: %w", err)
	}
	// recency_weeks is t_x, the time from the first to the last purchase,
	// as BG/NBD names it.
	_, err := conn.ExecContext(ctx, q, ids, x, cols[0], cols[1], first, last, cols[2], cols[3], cols[4], cols[5],
		cols[6], cols[7], cols[8], risks, codes, values, reasons)
	if err != nil {
		return fmt.Errorf("write partner_outlook: %w", err)
	}
	return nil
}

func insertModels(ctx context.Context, conn execer, models []modelRow) error {
	names, params, values := make([]string, len(models)), make([]string, len(models)), make([]float64, len(models))
	for i, m := range models {
		names[i], params[i], values[i] = m.model, m.param, m.value
	}
	const q = `INSERT INTO outlook_models BY NAME
SELECT getvariable('period') AS period, model, param, value, getvariable('run_id') AS run_id
FROM (SELECT unnest(?::VARCHAR[]) AS model, unnest(?::VARCHAR[]) AS param, unnest(?::DOUBLE[]) AS value)
ORDER BY model, param`
	if _, err := conn.ExecContext(ctx, q, names, params, values); err != nil {
		return fmt.Errorf("write outlook_models: %w", err)
	}
	return nil
}
