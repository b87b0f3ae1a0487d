package reports

import (
	"fmt"
	"strings"
	"time"
)

// drawSummary renders reports/P/summary.pdf for management: key figures
// against last month and last year, how loyalty moved in a year, the
// plans, the distributors and their data, and the partners that moved most.
func drawSummary(loc *locale, s summaryData, created time.Time) ([]byte, error) {
	month := loc.Month(s.Period)
	d := newDoc(loc, loc.T("summary_report")+" "+month, month+" · "+loc.T("summary_report"), created)
	colon := ": "
	if loc.lang == "fr" {
		colon = "\u00a0: " // French sets a space before a colon
	}
	d.banner(loc.T("summary_report"), month, loc.T("summary_report")+" — "+month,
		loc.T("last_month")+colon+loc.Month(s.Period.AddDate(0, -1, 0))+" · "+loc.T("last_year")+colon+loc.Month(s.Period.AddDate(0, -12, 0)))
	// Held files first: they make every figure below incomplete.
	d.summaryHeld(s.Held, s.Period)
	d.summaryRestated(s.Restated) // corrections come before the figures too
	k := s.KPIs
	d.summaryKPIs(k)
	d.summaryMaps(s.Departments)
	d.summaryOutlook(s.Outlook)
	d.summaryTransitions(k[0])
	d.summaryPlans(k)
	d.summaryScorecard(s.Scorecard)
	d.summaryChannelTruth(s.Truth)
	d.summaryRejects(s.Rejects)
	d.summaryMovers(s.Movers)
	return d.bytes()
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
func (d *doc) summaryScorecard(rows []scorecardRow) {
	loc := d.loc
	pct := func(v float64) string { return loc.Percent(v, 1) }
	var cells [][]string
	var match []Share
	var missing []string // distributors that sent nothing: the period ran without them
	for _, r := range rows {
		if r.Files == 0 {
			missing = append(missing, r.Name)
		}
		onTime := loc.T("no")
		if r.OnTime {
			onTime = loc.T("yes")
		}
		cells = append(cells, []string{r.Name, loc.Number(float64(r.Files), 0), loc.Number(float64(r.Lines), 0),
			loc.Number(float64(r.Rejects), 0), loc.Opt(r.RejectRate, pct), loc.Opt(r.MatchRate, pct), onTime})
		match = append(match, Share{Name: r.Name, Value: orZero(r.MatchRate)})
	}
	d.section(loc.T("scorecard"), 30)
	if len(cells) == 0 {
		d.text(loc.T("no_data"), 8.5)
		return
	}
	d.grid([]string{loc.T("distributor"), loc.T("files"), loc.T("lines"), loc.T("rejects"), loc.T("reject_rate"),
		loc.T("match_rate"), loc.T("on_time")}, cells, []float64{0.28, 0.1, 0.12, 0.12, 0.13, 0.15, 0.1}, "LRRRRRC", -1, nil)
	if len(missing) > 0 {
		d.text(fmt.Sprintf(loc.T("missing_feeds"), strings.Join(missing, ", ")), 8.5)
	}
	d.section(loc.T("match_by_distributor"), 8+5*float64(len(match)))
	d.valueBars(match, 1, pct)
}

// summaryRejects counts the period's rejected lines by reason.
func (d *doc) summaryRejects(rows []rejectCount) {
	loc := d.loc
	var items []Share
	hi := 0.0
	for _, r := range rows {
		items = append(items, Share{Name: rejectLabel(loc, r.Reason), Value: float64(r.Lines)})
		hi = max(hi, float64(r.Lines))
	}
	d.section(loc.T("data_quality"), 8+5*float64(min(len(items), 6)))
	if len(items) == 0 {
		d.text(loc.T("no_reject"), 8.5)
		return
	}
	d.valueBars(items, hi, func(v float64) string { return loc.Number(v, 0) })
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
func (d *doc) summaryMovers(rows []moverRow) {
	loc := d.loc
	for _, side := range []string{"gainers", "losers"} {
		var cells [][]string
		for _, r := range rows {
			if r.Side == side {
				cells = append(cells, []string{r.Name, r.ID, loc.Money(r.Revenue, 0), signedMoney(loc, r.Change)})
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
}

// signedMoney shows a change with its sign, + included.
func signedMoney(loc *locale, v float64) string {
	if v > 0 {
		return "+" + loc.Money(v, 0)
	}
	return loc.Money(v, 0)
}
