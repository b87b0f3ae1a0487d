package reports

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The outlook in the reports (issue 15): a box on the partner page, the
// loyal and occasional partners at risk in the region report and the
// summary, the retention plan at-risk first, and the revenue at risk next
// quarter. partner_outlook is optional: a period published before the
// outlook existed renders without it.

// partnerOutlook is a partner's row of partner_outlook.
type partnerOutlook struct {
	PAlive, Purchases3m, Revenue3m, Revenue12m, AtRisk3m *float64
	Risk, Code                                           string
	Values                                               []float64
}

// atRiskRow is a loyal or occasional partner at risk.
type atRiskRow struct {
	ID, Name, Region, Loyalty, LoyaltyYearAgo string
	PAlive                                    *float64
	AtRisk3m                                  float64
	Code                                      string
	Values                                    []float64
	regionCode                                string // the region's code, "" for none
}

// retentionRow is a partner of a region's retention plan.
type retentionRow struct {
	ID, Name string
	Revenue  float64
	Risk     string
	PAlive   *float64
	AtRisk3m float64
}

// outlookTotals are the period's outlook figures for the summary.
type outlookTotals struct {
	Present                             bool // the period has partner_outlook
	AtRisk, Watch, Healthy, New         int64
	AtRiskRevenue                       float64
	AtRiskLoyal                         int64 // loyal or occasional
	AtRiskLoyalRevenue, ExpectedRevenue float64
	Partners                            []atRiskRow
}

// hasOutlook tells whether the period published partner_outlook.
func (l *lake) hasOutlook() bool {
	_, err := l.lake.Scan("partner_outlook", l.period)
	return err == nil
}

// parseValues reads reason_values rendered as '|'-separated text.
func parseValues(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, "|") {
		if f == "" {
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, fmt.Errorf("reason value %q: %w", f, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// outlooks gives each partner of byID its outlook (only: one partner).
func (l *lake) outlooks(ctx context.Context, byID map[string]*Partner, only string) error {
	return l.eachOutlook(ctx, only, func(id string, o *partnerOutlook) {
		if p := byID[id]; p != nil {
			p.Outlook = o
		}
	})
}

// eachOutlook calls fn with each partner's row of partner_outlook (only:
// one partner); a period without the table calls it never.
func (l *lake) eachOutlook(ctx context.Context, only string, fn func(id string, o *partnerOutlook)) error {
	if !l.hasOutlook() {
		return nil
	}
	err := l.scan(ctx, qPartnerOutlook, []any{only, only}, func(rows *sql.Rows) error {
		var id, values string
		o := &partnerOutlook{}
		var x sql.NullInt64
		var recency, tenure sql.NullFloat64
		if err := rows.Scan(&id, &o.PAlive, &o.Purchases3m, &o.Revenue3m, &o.Revenue12m, &o.AtRisk3m, &o.Risk, &o.Code,
			&values, &x, &recency, &tenure); err != nil {
			return err
		}
		var err error
		if o.Values, err = parseValues(values); err != nil {
			return err
		}
		fn(id, o)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read partner_outlook: %w", err)
	}
	return nil
}

// atRiskListed is how many partners at risk the PDFs list; the workbook
// lists them all.
const atRiskListed = 15

// atRiskPartners lists the nation's loyal and occasional partners at risk
// of leaving, the first limit of them (0: all). A region's are its rows of
// the list (regionReports).
func (l *lake) atRiskPartners(ctx context.Context, limit int) ([]atRiskRow, error) {
	if !l.hasOutlook() {
		return nil, nil
	}
	var out []atRiskRow
	err := l.scan(ctx, qAtRiskPartners, nil, func(rows *sql.Rows) error {
		var r atRiskRow
		var values string
		if err := rows.Scan(&r.ID, &r.Name, &r.Region, &r.Loyalty, &r.LoyaltyYearAgo, &r.PAlive, &r.AtRisk3m, &r.Code, &values,
			&r.regionCode); err != nil {
			return err
		}
		var err error
		r.Values, err = parseValues(values)
		if limit == 0 || len(out) < limit {
			out = append(out, r)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read partners at risk: %w", err)
	}
	return out, nil
}

// outlookSummary fetches the summary's outlook figures and partners.
func (l *lake) outlookSummary(ctx context.Context) (outlookTotals, error) {
	var t outlookTotals
	if !l.hasOutlook() {
		return t, nil
	}
	t.Present = true
	err := l.scan(ctx, qOutlookTotals, nil, func(rows *sql.Rows) error {
		return rows.Scan(&t.AtRisk, &t.Watch, &t.Healthy, &t.New, &t.AtRiskRevenue, &t.AtRiskLoyal,
			&t.AtRiskLoyalRevenue, &t.ExpectedRevenue)
	})
	if err != nil {
		return t, fmt.Errorf("read outlook totals: %w", err)
	}
	t.Partners, err = l.atRiskPartners(ctx, atRiskListed)
	return t, err
}

// outlookReason renders an outlook reason code in the report's language:
// the same sentences as the reasons column (pipeline.OutlookReason) in
// English, numbers formatted the locale's way.
func (l *locale) outlookReason(code string, v []float64) string {
	at := func(i int) float64 {
		if i < len(v) {
			return v[i]
		}
		return 0
	}
	weeks := func(i int) string { return l.Number(at(i), 0) }
	switch code {
	case "new", "one_purchase":
		return fmt.Sprintf(l.T("outlook.reason."+code), weeks(0))
	case "overdue", "active":
		return fmt.Sprintf(l.T("outlook.reason."+code), weeks(0), weeks(1), l.Percent(at(2), 0))
	case "no_model", "short_history":
		return fmt.Sprintf(l.T("outlook.reason."+code), weeks(0), weeks(1))
	}
	return code
}

func (l *locale) riskLabel(risk string) string {
	if risk == "" {
		return "–"
	}
	return l.T("outlook.risk." + risk)
}

// partnerOutlookBox draws the partner page's Outlook box.
func (d *doc) partnerOutlookBox(o *partnerOutlook) {
	if o == nil {
		return
	}
	loc := d.loc
	money := func(v float64) string { return loc.Money(v, 0) }
	d.section(loc.T("outlook"), 36)
	d.figureBoxes([][3]string{
		{loc.T("outlook.p_alive"), loc.Opt(o.PAlive, func(v float64) string { return loc.Percent(v, 0) }),
			fmt.Sprintf(loc.T("outlook.risk_is"), loc.riskLabel(o.Risk))},
		{loc.T("outlook.purchases_3m"), loc.Opt(o.Purchases3m, func(v float64) string { return loc.Number(v, 1) }), loc.T("outlook.purchase_days")},
		{loc.T("outlook.revenue_3m"), loc.Opt(o.Revenue3m, money), loc.T("outlook.at_risk_3m") + " " + loc.Opt(o.AtRisk3m, money)},
		{loc.T("outlook.revenue_12m"), loc.Opt(o.Revenue12m, money), ""},
	})
	d.text(sentence(loc.outlookReason(o.Code, o.Values)), 8)
}

// sentence starts s with a capital: the reason stands alone under the box,
// while the reasons column (and its rendering) starts in lower case.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// atRiskGrid lists loyal and occasional partners at risk; withRegion adds
// the region column (the summary's national list).
func (d *doc) atRiskGrid(rows []atRiskRow, present, withRegion bool) {
	loc := d.loc
	d.section(loc.T("outlook.at_risk_partners"), 30)
	if !present {
		d.text(loc.T("outlook.none"), 8.5)
		return
	}
	if len(rows) == 0 {
		d.text(loc.T("outlook.no_at_risk"), 8.5)
		return
	}
	// The reason's numbers as columns (weeks since the last purchase, the
	// usual gap): the sentence is on the partner page.
	weeks := func(r atRiskRow, i int) string {
		if r.Code != "overdue" || i >= len(r.Values) {
			return "–"
		}
		return loc.Number(r.Values[i], 0)
	}
	var cells [][]string
	for _, r := range rows {
		loyalty := loc.T(r.Loyalty)
		if r.LoyaltyYearAgo != "" && r.LoyaltyYearAgo != r.Loyalty {
			loyalty = loc.T(r.LoyaltyYearAgo) + " › " + loyalty
		}
		row := []string{r.Name, r.ID}
		if withRegion {
			row = append(row, r.Region)
		}
		cells = append(cells, append(row, loyalty, weeks(r, 0), weeks(r, 1),
			loc.Opt(r.PAlive, func(v float64) string { return loc.Percent(v, 0) }), loc.Money(r.AtRisk3m, 0)))
	}
	// widths: the loyalty column holds "occasionnel › opportuniste", the
	// figures' columns only their wrapped headers (the Go fonts are wide)
	header := []string{loc.T("name"), loc.T("id")}
	widths := []float64{0.33, 0.09}
	align := "LL"
	if withRegion {
		header, widths, align = append(header, loc.T("region")), []float64{0.23, 0.075, 0.13}, align+"L"
	}
	header = append(header, loc.T("loyalty"), loc.T("outlook.weeks_since"), loc.T("outlook.usual_gap"),
		loc.T("outlook.p_alive_short"), loc.T("outlook.at_risk_3m"))
	rest := 1.0
	for _, w := range widths {
		rest -= w
	}
	widths = append(widths, rest-0.08-0.085-0.075-0.14, 0.08, 0.085, 0.075, 0.14)
	d.grid(header, cells, widths, align+"LRRRR", -1, nil)
}

// regionRetention lists the region's retention plan, at-risk first.
func (d *doc) regionRetention(rows []retentionRow, present bool) {
	if !present {
		return
	}
	loc := d.loc
	d.section(loc.T("outlook.retention_plan"), 30)
	if len(rows) == 0 {
		d.text(loc.T("outlook.no_retention"), 8.5)
		return
	}
	var cells [][]string
	for _, r := range rows {
		cells = append(cells, []string{r.Name, r.ID, loc.Money(r.Revenue, 0), loc.riskLabel(r.Risk),
			loc.Opt(r.PAlive, func(v float64) string { return loc.Percent(v, 0) }), loc.Money(r.AtRisk3m, 0)})
	}
	d.grid([]string{loc.T("name"), loc.T("id"), loc.T("revenue_t12m"), loc.T("outlook.risk"), loc.T("outlook.p_alive_short"),
		loc.T("outlook.at_risk_3m")}, cells, []float64{0.38, 0.1, 0.15, 0.12, 0.1, 0.15}, "LLRLRR", -1, nil)
}

// summaryOutlook is the summary's line on revenue at risk next quarter and
// its list of loyal and occasional partners at risk.
func (d *doc) summaryOutlook(t outlookTotals) {
	loc := d.loc
	if t.Present {
		d.section(loc.T("outlook"), 24)
		d.text(fmt.Sprintf(loc.T("outlook.summary_line"), loc.Money(t.AtRiskRevenue, 0), loc.Number(float64(t.AtRisk), 0),
			loc.Number(float64(t.AtRiskLoyal), 0), loc.Money(t.AtRiskLoyalRevenue, 0)), 9)
		d.text(fmt.Sprintf(loc.T("outlook.summary_classes"), loc.Number(float64(t.Healthy), 0), loc.Number(float64(t.Watch), 0),
			loc.Number(float64(t.AtRisk), 0), loc.Number(float64(t.New), 0), loc.Money(t.ExpectedRevenue, 0)), 8)
	}
	d.atRiskGrid(t.Partners, t.Present, true)
}
