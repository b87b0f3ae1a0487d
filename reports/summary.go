package reports

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// summaryReport renders reports/P/summary.pdf for management: key figures
// against last month and last year, how loyalty moved in a year, the
// plans, the distributors and their data, and the partners that moved most.
func summaryReport(ctx context.Context, l *lake, loc *locale, created time.Time) ([]byte, error) {
	month := loc.Month(l.start)
	d := newDoc(loc, loc.T("summary_report")+" "+month, month+" · "+loc.T("summary_report"), created)
	colon := ": "
	if loc.lang == "fr" {
		colon = "\u00a0: " // French sets a space before a colon
	}
	d.banner(loc.T("summary_report"), month, loc.T("summary_report")+" — "+month,
		loc.T("last_month")+colon+loc.Month(l.start.AddDate(0, -1, 0))+" · "+loc.T("last_year")+colon+loc.Month(l.start.AddDate(0, -12, 0)))
	// Held files first: they make every figure below incomplete.
	if err := d.summaryHeld(ctx, l); err != nil {
		return nil, err
	}
	k, err := l.kpiPeriods(ctx)
	if err != nil {
		return nil, err
	}
	d.summaryKPIs(k)
	d.summaryTransitions(k[0])
	d.summaryPlans(k)
	steps := []func(context.Context, *lake) error{d.summaryScorecard, d.summaryRejects, d.summaryMovers}
	for _, step := range steps {
		if err := step(ctx, l); err != nil {
			return nil, err
		}
	}
	return d.bytes()
}

// kpiSet is one period's kpis by name; a NULL value is a nil pointer.
type kpiSet map[string]*float64

// kpiPeriods reads the kpis of this period, last month and a year ago (an
// unpublished period gives an empty set, shown as dashes).
func (l *lake) kpiPeriods(ctx context.Context) ([3]kpiSet, error) {
	var out [3]kpiSet
	var parts []string
	for i, p := range []string{l.period, l.month(1), l.month(12)} {
		out[i] = kpiSet{}
		parts = append(parts, fmt.Sprintf("SELECT %d AS i, kpi, CAST(value AS DOUBLE) FROM %s", i, l.table("kpis", p)))
	}
	rows, err := l.rowsOf(ctx, strings.Join(parts, " UNION ALL "))
	if err != nil {
		return out, fmt.Errorf("read kpis: %w", err)
	}
	for _, r := range rows {
		out[int(num(r[0]))][str(r[1])] = opt(r[2])
	}
	return out, nil
}

// find returns the value of the kpi named prefix<N>suffix (N is the top-N
// of the config, so it may differ between periods) and the name found.
func (k kpiSet) find(prefix, suffix string) (*float64, string) {
	if v, ok := k[prefix+suffix]; ok {
		return v, prefix + suffix
	}
	best := ""
	for name := range k {
		if strings.HasPrefix(name, prefix) && strings.HasSuffix(name, suffix) && len(name) > len(prefix)+len(suffix) && (best == "" || name < best) {
			best = name
		}
	}
	if best == "" {
		return nil, ""
	}
	return k[best], best
}

// summaryKPIs is the table of key figures, three periods side by side.
func (d *doc) summaryKPIs(k [3]kpiSet) {
	loc := d.loc
	count := func(v float64) string { return loc.Number(v, 0) }
	money := func(v float64) string { return loc.Money(v, 0) }
	rate := func(v float64) string { return loc.Percent(v, 1) }
	specs := []struct {
		label, prefix, suffix string
		format                func(float64) string
	}{
		{"kpi.active_partners", "active_partners", "", count},
		{"kpi.master_partners", "master_partners", "", count},
		{"kpi.revenue_period", "revenue_period", "", money},
		{"kpi.revenue_t12m", "revenue_t12m", "", money},
		{"kpi.top_retention", "top", "_last_year_retention_rate", rate},
		{"kpi.occasional_to_loyal", "occasional_last_year_now_loyal_rate", "", rate},
		{"kpi.base_renewal", "base_renewal_rate", "", rate},
		{"kpi.development_change", "development_top", "_revenue_change", rate},
	}
	var cells [][]string
	for _, s := range specs {
		label := loc.T(s.label)
		row := []string{label}
		for i, set := range k {
			v, name := set.find(s.prefix, s.suffix)
			if i == 0 && s.suffix != "" && name != "" {
				// Name the N of top<N>, it is a setting of the config.
				row[0] = label + " (top " + strings.TrimSuffix(strings.TrimPrefix(name, s.prefix), s.suffix) + ")"
			}
			row = append(row, loc.Opt(v, s.format))
		}
		cells = append(cells, row)
	}
	d.section(loc.T("kpis"), 50)
	d.grid([]string{loc.T("kpi"), loc.T("this_month"), loc.T("last_month"), loc.T("last_year")},
		cells, []float64{0.55, 0.15, 0.15, 0.15}, "LRRR", -1, nil)
}

var loyaltyOrder = []string{"loyal", "occasional", "opportunistic", "inactive"}

// summaryTransitions is the 4x4 loyalty matrix: a year ago in rows, now in
// columns, with row totals.
func (d *doc) summaryTransitions(k kpiSet) {
	loc := d.loc
	header := []string{loc.T("last_year") + " › " + loc.T("now")}
	var cells [][]string
	for _, from := range loyaltyOrder {
		header = append(header, loc.T(from))
		row := []string{loc.T(from)}
		for _, to := range loyaltyOrder {
			row = append(row, loc.Opt(k["transition."+from+"."+to], func(v float64) string { return loc.Number(v, 0) }))
		}
		cells = append(cells, row)
	}
	d.section(loc.T("transitions"), 36)
	d.grid(header, cells, []float64{0.24, 0.19, 0.19, 0.19, 0.19}, "LRRRR", -1, nil)
}

// summaryPlans shows the size of each plan, three periods side by side.
func (d *doc) summaryPlans(k [3]kpiSet) {
	loc := d.loc
	var cells [][]string
	for _, p := range planOrder {
		row := []string{planLabel(loc, p)}
		for _, set := range k {
			row = append(row, loc.Opt(set["partners.plan."+p], func(v float64) string { return loc.Number(v, 0) }))
		}
		cells = append(cells, row)
	}
	d.section(loc.T("plan_sizes"), 40)
	d.grid([]string{loc.T("plan"), loc.T("this_month"), loc.T("last_month"), loc.T("last_year")},
		cells, []float64{0.55, 0.15, 0.15, 0.15}, "LRRR", -1, nil)
}

// summaryScorecard is the distributor scorecard, then the match rate of
// each distributor as bars.
func (d *doc) summaryScorecard(ctx context.Context, l *lake) error {
	rows, err := l.rowsOf(ctx, `SELECT coalesce(distributor_name, distributor), CAST(files AS BIGINT), CAST(lines AS BIGINT),
       CAST(rejects AS BIGINT), reject_rate, match_rate, coalesce(on_time, false)
FROM `+l.table("distributor_scorecard", l.period)+` ORDER BY distributor`)
	if err != nil {
		return fmt.Errorf("read distributor_scorecard: %w", err)
	}
	loc := d.loc
	pct := func(v float64) string { return loc.Percent(v, 1) }
	var cells [][]string
	var match []Share
	var missing []string // distributors that sent nothing: the period ran without them
	for _, r := range rows {
		if num(r[1]) == 0 {
			missing = append(missing, str(r[0]))
		}
		onTime := loc.T("no")
		if b, _ := r[6].(bool); b {
			onTime = loc.T("yes")
		}
		cells = append(cells, []string{str(r[0]), loc.Number(num(r[1]), 0), loc.Number(num(r[2]), 0), loc.Number(num(r[3]), 0),
			loc.Opt(opt(r[4]), pct), loc.Opt(opt(r[5]), pct), onTime})
		match = append(match, Share{Name: str(r[0]), Value: num(r[5])})
	}
	d.section(loc.T("scorecard"), 30)
	if len(cells) == 0 {
		d.text(loc.T("no_data"), 8.5)
		return nil
	}
	d.grid([]string{loc.T("distributor"), loc.T("files"), loc.T("lines"), loc.T("rejects"), loc.T("reject_rate"),
		loc.T("match_rate"), loc.T("on_time")}, cells, []float64{0.28, 0.1, 0.12, 0.12, 0.13, 0.15, 0.1}, "LRRRRRC", -1, nil)
	if len(missing) > 0 {
		d.text(fmt.Sprintf(loc.T("missing_feeds"), strings.Join(missing, ", ")), 8.5)
	}
	d.section(loc.T("match_by_distributor"), 8+5*float64(len(match)))
	d.valueBars(match, 1, pct)
	return nil
}

// summaryRejects counts the period's rejected lines by reason.
func (d *doc) summaryRejects(ctx context.Context, l *lake) error {
	rows, err := l.rowsOf(ctx, `SELECT reason, CAST(count(*) AS BIGINT) AS n
FROM `+l.table("rejects", l.period)+` GROUP BY reason ORDER BY n DESC, reason`)
	if err != nil {
		return fmt.Errorf("read rejects: %w", err)
	}
	loc := d.loc
	var items []Share
	hi := 0.0
	for _, r := range rows {
		items = append(items, Share{Name: rejectLabel(loc, str(r[0])), Value: num(r[1])})
		hi = max(hi, num(r[1]))
	}
	d.section(loc.T("data_quality"), 8+5*float64(min(len(items), 6)))
	if len(items) == 0 {
		d.text(loc.T("no_reject"), 8.5)
		return nil
	}
	d.valueBars(items, hi, func(v float64) string { return loc.Number(v, 0) })
	return nil
}

// rejectLabel names a reject reason, the code itself when not translated.
func rejectLabel(loc *locale, reason string) string {
	if w := loc.T("reject." + reason); w != "reject."+reason {
		return w
	}
	return reason
}

// valueBars draws each item as a bar scaled to top, with its figure: unlike
// hbars (parts of a whole), the values here stand alone (rates, counts).
func (d *doc) valueBars(items []Share, top float64, label func(float64) string) {
	pdf := d.pdf
	_, pageH := pdf.GetPageSize()
	labelW, figW := 52.0, 24.0
	barMax := contentW - labelW - figW - 2
	for _, s := range items {
		if pdf.GetY()+4.5 > pageH-margin-4 {
			pdf.AddPage()
		}
		y := pdf.GetY()
		d.font("", 8, ink)
		pdf.CellFormat(labelW, 4.5, d.tr(fit(s.Name, labelW)), "", 0, "L", false, 0, "")
		pdf.SetFillColor(light[0], light[1], light[2])
		pdf.Rect(margin+labelW, y+0.8, barMax, 2.9, "F")
		if top > 0 && s.Value > 0 {
			pdf.SetFillColor(accent[0], accent[1], accent[2])
			pdf.Rect(margin+labelW, y+0.8, barMax*min(s.Value/top, 1), 2.9, "F")
		}
		pdf.SetXY(margin+labelW+barMax+2, y)
		pdf.CellFormat(figW, 4.5, d.tr(label(s.Value)), "", 1, "R", false, 0, "")
	}
	pdf.Ln(2)
}

// summaryMovers lists the ten partners whose 12-month revenue rose most
// since last month's scores, and the ten whose revenue fell most.
func (d *doc) summaryMovers(ctx context.Context, l *lake) error {
	rows, err := l.rowsOf(ctx, `WITH m AS (
  SELECT c.name, c.partner_id, CAST(c.revenue_t12m AS DOUBLE) AS now,
         CAST(c.revenue_t12m - p.revenue_t12m AS DOUBLE) AS change
  FROM `+l.table("partner_scores", l.period)+` c JOIN `+l.table("partner_scores", l.month(1))+` p USING (partner_id)
  WHERE c.revenue_t12m <> p.revenue_t12m)
SELECT * FROM (
  (SELECT 'gainers' AS side, * FROM m WHERE change > 0 ORDER BY change DESC, partner_id LIMIT 10)
  UNION ALL
  (SELECT 'losers', * FROM m WHERE change < 0 ORDER BY change, partner_id LIMIT 10))
ORDER BY side, abs(change) DESC, partner_id`)
	if err != nil {
		return fmt.Errorf("read movers: %w", err)
	}
	loc := d.loc
	for _, side := range []string{"gainers", "losers"} {
		var cells [][]string
		for _, r := range rows {
			if str(r[0]) == side {
				cells = append(cells, []string{str(r[1]), str(r[2]), loc.Money(num(r[3]), 0), signedMoney(loc, num(r[4]))})
			}
		}
		d.section(loc.T(side), 30)
		if len(cells) == 0 {
			d.text(loc.T("no_movement"), 8.5)
			continue
		}
		d.grid([]string{loc.T("name"), loc.T("id"), loc.T("revenue_t12m"), loc.T("change")},
			cells, []float64{0.46, 0.14, 0.2, 0.2}, "LLRR", -1, nil)
	}
	return nil
}

// signedMoney shows a change with its sign, + included.
func signedMoney(loc *locale, v float64) string {
	if v > 0 {
		return "+" + loc.Money(v, 0)
	}
	return loc.Money(v, 0)
}
