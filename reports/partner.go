package reports

import (
	"fmt"
	"strings"
	"time"
)

// statusLabel names a supplier status; "opportunity" is also a figure.
func (l *locale) statusLabel(s string) string {
	switch s {
	case "":
		return "–"
	case "opportunity":
		return l.T("opportunity_status")
	}
	return l.T(s)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// partnerPage renders one partner's page.
func partnerPage(loc *locale, p *Partner, period time.Time, created time.Time) ([]byte, error) {
	month := loc.Month(period)
	d := newDoc(loc, loc.T("partner_report")+" "+p.ID, month+" · "+p.ID, created)
	d.pdf.SetCompressionLevel(8) // 50 bytes less on a 13 KB content: partner pages are mailed by the hundred
	where := []string{loc.T("id") + " " + p.ID}
	if p.Typology != "" {
		where = append(where, p.Typology)
	}
	if p.Profile != "" && p.Profile != p.Typology {
		where = append(where, loc.T("profile")+" "+p.Profile)
	}
	if p.Department != "" {
		where = append(where, loc.T("department")+" "+p.DepartmentName+" ("+p.Department+")")
	}
	if p.Region != "" {
		where = append(where, loc.T("region")+" "+p.RegionName)
	}
	d.banner(loc.T("partner_report"), month, p.Name, strings.Join(where, " · "))

	// Headline figures.
	money := func(v float64) string { return loc.Money(v, 0) }
	pct := func(v float64) string { return loc.Percent(v, 1) }
	growth := loc.T("growth") + " " + loc.Opt(p.Growth, pct)
	boxes := [][3]string{
		{loc.T("revenue_t12m"), money(p.RevenueT12m), growth},
		{loc.T("share"), loc.Opt(p.Share, pct), loc.T("attainable") + " " + loc.Opt(p.Attainable, pct)},
		{loc.T("opportunity"), loc.Opt(p.Opportunity, money), loc.T("potential") + " " + loc.Opt(p.Potential, money) + " (" + loc.T(p.PotentialSource) + ")"},
		{loc.T("rank"), rank(p.RankNational), loc.T("rank_region") + " " + rank(p.RankRegion)},
	}
	d.figureBoxes(boxes)

	// Classes and the reasons behind them.
	d.section(loc.T("classes"), 30)
	d.table([]string{loc.T("loyalty"), loc.T("supplier_status"), loc.T("mode"), loc.T("plan"), loc.T("coverage_model")},
		[][]string{{loc.T(p.Loyalty), loc.statusLabel(p.Status), loc.T(p.Mode), orDash(loc.T(p.Plan)), loc.T(p.Coverage)}},
		[]float64{0.18, 0.25, 0.19, 0.19, 0.19}, "LLLLL")
	d.font("B", 8, ink)
	d.pdf.CellFormat(contentW, 4.5, d.tr(loc.T("reasons")), "", 1, "L", false, 0, "")
	d.text(loc.Reasons(p.ReasonCodes, p.Reasons), 8)
	d.partnerOutlookBox(p.Outlook)

	d.section(loc.T("sales_24m"), 42)
	d.barChart(p.Monthly[:], period.AddDate(0, -23, 0), 36)

	d.section(loc.T("family_mix"), 30)
	d.hbars(p.Families, 6)

	d.section(loc.T("vs_profile")+" ("+orDash(p.Profile)+")", 26)
	months := func(v float64) string { return loc.Number(v, 1) }
	d.table([]string{"", loc.T("partner"), loc.T("profile_median")}, [][]string{
		{loc.T("revenue_t12m"), money(p.RevenueT12m), money(p.Median.RevenueT12m)},
		{loc.T("months_active"), fmt.Sprint(p.Months), months(p.Median.Months)},
		{loc.T("share"), loc.Opt(p.Share, pct), loc.Opt(p.Median.Share, pct)},
	}, []float64{0.4, 0.3, 0.3}, "LRR")

	d.section(loc.T("competition"), 14)
	var competing []string
	for _, b := range p.Brands {
		if !strings.EqualFold(b, "ours") {
			competing = append(competing, b)
		}
	}
	if len(competing) == 0 {
		d.text(loc.T("none"), 8.5)
	} else {
		d.text(fmt.Sprintf("%d: %s", p.CompetingBrands, strings.Join(competing, ", ")), 8.5)
	}

	d.partnerGreyMarket(p)

	d.section(loc.T("action"), 14)
	action := loc.T("no_plan")
	if p.Plan != "" {
		action = loc.T(p.Plan) + " — " + loc.T("action_"+p.Plan)
	}
	d.text(action, 9)
	return d.bytes()
}

func rank(r *int64) string {
	if r == nil {
		return "–"
	}
	return fmt.Sprint(*r)
}

// figureBoxes draws up to four headline figures side by side.
func (d *doc) figureBoxes(boxes [][3]string) {
	pdf := d.pdf
	y := pdf.GetY()
	w := contentW / float64(len(boxes))
	for i, b := range boxes {
		x := margin + float64(i)*w
		pdf.SetFillColor(light[0], light[1], light[2])
		pdf.Rect(x+0.5, y, w-1, 19, "F")
		pdf.SetXY(x+2, y+1.5)
		d.font("", 7, muted)
		pdf.CellFormat(w-4, 3.5, d.tr(b[0]), "", 2, "L", false, 0, "")
		d.font("B", 12, ink)
		pdf.CellFormat(w-4, 6.5, d.tr(b[1]), "", 2, "L", false, 0, "")
		d.font("", 6.5, muted)
		pdf.MultiCell(w-4, 3, d.tr(b[2]), "", "L", false)
	}
	pdf.SetXY(margin, y+21)
}
