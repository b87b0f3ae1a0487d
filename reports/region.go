package reports

import (
	"fmt"
	"math"
	"time"
)

// drawRegion renders reports/P/regions/<region>.pdf: how one region is
// covered, department by department, who carries it, whom to recruit and
// what moved since last month.
func drawRegion(loc *locale, r regionData, period, created time.Time) ([]byte, error) {
	month := loc.Month(period)
	name := r.Rollup.Name
	d := newDoc(loc, loc.T("region_report")+" "+name, month+" · "+loc.T("region")+" "+r.Code, created)
	d.banner(loc.T("region_report"), month, name, loc.T("region")+" "+r.Code)
	d.regionFigures(r.Rollup)
	d.regionMap(r.Departments)
	d.regionDepartments(r.Departments)
	d.regionTopPartners(r.TopPartners)
	d.atRiskGrid(r.AtRisk, r.Outlook, false)
	d.regionRetention(r.Retention, r.Outlook)
	d.regionPlans(r.Plans)
	d.regionTargets(r.Targets)
	d.regionMovements(r.Movements, r.MovementsTotal)
	return d.bytes()
}

// regionFigures shows the region's rollup row: headline boxes, then its
// flag with the rule that gave it.
func (d *doc) regionFigures(r regionRollup) {
	loc := d.loc
	money := func(v float64) string { return loc.Money(v, 0) }
	pct := func(v float64) string { return loc.Percent(v, 1) }
	d.figureBoxes([][3]string{
		{loc.T("master_partners"), loc.Number(float64(r.Master), 0),
			loc.T("active_partners") + " " + loc.Number(float64(r.Active), 0) + " · " + loc.T("loyal") + " " + loc.Number(float64(r.Loyal), 0)},
		{loc.T("potential"), loc.Opt(r.Potential, money), ""},
		{loc.T("revenue_t12m"), loc.Opt(r.Revenue, money), loc.T("share") + " " + loc.Opt(r.Share, pct)},
		{loc.T("flag"), flagLabel(loc, r.Flag),
			loc.T("partners_per_potential") + " " + loc.Opt(r.PartnersPerPotential, func(v float64) string { return loc.Number(v, 2) })},
	})
	d.flagNote(r.Flag, loc.Reasons(r.ReasonCodes, r.Reasons))
}

// flagNote writes a coverage flag's swatch followed by its reasons.
func (d *doc) flagNote(flag, reasons string) {
	if reasons == "" {
		return
	}
	d.pdf.SetX(margin)
	d.swatch(flag)
	d.font("", 8, ink)
	d.pdf.SetX(margin + 5)
	d.pdf.MultiCell(contentW-5, 5, d.tr(reasons), "", "L", false)
	d.pdf.Ln(2)
}

// regionDepartments lists every department of the region, also those with
// no partner, each with its flag drawn as a swatch, after a strip of one
// square per department that shows the region's coverage at a glance.
func (d *doc) regionDepartments(rows []departmentRow) {
	loc := d.loc
	d.section(loc.T("coverage_by_department"), 40)
	var cells [][]string
	var flags, codes []string
	for _, r := range rows {
		flags, codes = append(flags, r.Flag), append(codes, r.Code)
		cells = append(cells, []string{
			r.Code + " " + r.Name, loc.Number(float64(r.Master), 0), loc.Number(float64(r.Active), 0),
			loc.Opt(r.Potential, func(v float64) string { return loc.Money(v, 0) }),
			loc.Opt(r.Revenue, func(v float64) string { return loc.Money(v, 0) }),
			loc.Opt(r.Share, func(v float64) string { return loc.Percent(v, 1) }),
			loc.Opt(r.PartnersPerPotential, func(v float64) string { return loc.Number(v, 2) }),
			flagLabel(loc, r.Flag),
		})
	}
	d.flagStrip(codes, flags)
	d.grid([]string{loc.T("department"), loc.T("master_partners"), loc.T("active_partners"), loc.T("potential"),
		loc.T("revenue_t12m"), loc.T("share"), loc.T("partners_per_potential_short"), loc.T("flag")},
		cells, []float64{0.2, 0.1, 0.07, 0.14, 0.14, 0.09, 0.1, 0.16}, "LRRRRRRL", 7, flags)
}

// flagStrip draws one coloured square per department, labelled with its
// code, then a legend counting the departments of each flag.
func (d *doc) flagStrip(codes, flags []string) {
	if len(codes) == 0 {
		d.text(d.loc.T("no_data"), 8)
		return
	}
	pdf := d.pdf
	step := math.Min(12, contentW/float64(len(codes)))
	y := pdf.GetY() + 1
	d.font("", 6.5, muted)
	for i, code := range codes {
		x := margin + float64(i)*step
		c, ok := flagRGB[flags[i]]
		if !ok {
			c = light
		}
		pdf.SetFillColor(c[0], c[1], c[2])
		pdf.Rect(x+0.5, y, step-1, 5, "F")
		pdf.SetXY(x, y+5.3)
		pdf.CellFormat(step, 3, d.tr(code), "", 0, "C", false, 0, "")
	}
	pdf.SetXY(margin, y+10)
	count := map[string]int{}
	for _, f := range flags {
		count[f]++
	}
	d.font("", 7.5, ink)
	for _, f := range flagOrder {
		x := pdf.GetX()
		d.swatch(f)
		pdf.SetX(x + 5)
		label := d.tr(fmt.Sprintf("%s %d", flagLabel(d.loc, f), count[f]))
		pdf.CellFormat(pdf.GetStringWidth(label)+6, 5.5, label, "", 0, "L", false, 0, "")
	}
	pdf.Ln(7)
}

var flagOrder = []string{"uncovered", "under", "balanced", "over"}

func flagLabel(loc *locale, flag string) string {
	if flag == "" {
		return "–"
	}
	return loc.T(flag)
}

// regionTopPartners lists the region's ten largest partners by revenue.
func (d *doc) regionTopPartners(rows []topPartnerRow) {
	loc := d.loc
	d.section(loc.T("top_partners"), 30)
	if len(rows) == 0 {
		d.text(loc.T("no_partner"), 8.5)
		return
	}
	var cells [][]string
	for _, r := range rows {
		cells = append(cells, []string{orEmpty(r.Rank), r.Name, r.ID, loc.Money(r.Revenue, 0), loc.T(r.Loyalty), planLabel(loc, r.Plan)})
	}
	d.grid([]string{"#", loc.T("name"), loc.T("id"), loc.T("revenue_t12m"), loc.T("loyalty"), loc.T("plan")},
		cells, []float64{0.05, 0.37, 0.12, 0.18, 0.14, 0.14}, "RLLRLL", -1, nil)
}

// planOrder is the order plans are shown in, the partners without one last.
var planOrder = []string{"retention", "development", "support", "prospection", "none"}

func planLabel(loc *locale, plan string) string {
	if plan == "" || plan == "none" {
		return loc.T("no_plan_short")
	}
	return loc.T(plan)
}

// regionPlans counts the region's partners per plan, zeros included, so
// the table reads the same every month.
func (d *doc) regionPlans(byPlan map[string]planCount) {
	loc := d.loc
	d.section(loc.T("partners_per_plan"), 36)
	var cells [][]string
	for _, p := range planOrder {
		r := byPlan[p] // a plan nobody has counts zero
		cells = append(cells, []string{planLabel(loc, p), loc.Number(float64(r.Partners), 0), loc.Money(r.Revenue, 0)})
	}
	d.grid([]string{loc.T("plan"), loc.T("master_partners"), loc.T("revenue_t12m")}, cells, []float64{0.4, 0.25, 0.35}, "LRR", -1, nil)
}

// regionTargets lists whom to recruit in the region: partners of the
// master to prospect, then resellers not in the master, each by priority.
func (d *doc) regionTargets(rows []targetRow) {
	loc := d.loc
	d.section(loc.T("recruitment_targets"), 34)
	if len(rows) == 0 {
		d.text(loc.T("no_target"), 8.5)
		return
	}
	money := func(v float64) string { return loc.Money(v, 0) }
	for _, kind := range []string{"partner", "reseller"} {
		var cells [][]string
		for _, r := range rows {
			if r.Type != kind {
				continue
			}
			cells = append(cells, []string{r.Priority, r.Name, r.ID, r.Department, loc.Opt(r.Potential, money), loc.Opt(r.Amount, money)})
		}
		if len(cells) == 0 {
			continue
		}
		d.subtitle(loc.T("target_" + kind + "s"))
		d.grid([]string{"#", loc.T("name"), loc.T("id"), loc.T("department"), loc.T("potential"), loc.T("amount_t12m")},
			cells, []float64{0.05, 0.33, 0.17, 0.19, 0.13, 0.13}, "RLLLRR", -1, nil)
	}
}

// subtitle names a block within a section, kept with a few of its lines.
func (d *doc) subtitle(s string) {
	_, pageH := d.pdf.GetPageSize()
	if d.pdf.GetY()+20 > pageH-margin-6 {
		d.pdf.AddPage()
	}
	d.font("B", 8.5, ink)
	d.pdf.CellFormat(contentW, 5, d.tr(s), "", 1, "L", false, 0, "")
}

// regionMovements lists the region's partners whose loyalty or plan changed
// since last month's scores; none when last month was never published.
func (d *doc) regionMovements(rows []movementRow, total int64) {
	loc := d.loc
	d.section(loc.T("movements"), 30)
	if len(rows) == 0 {
		d.text(loc.T("no_movement"), 8.5)
		return
	}
	var cells [][]string
	for _, r := range rows {
		cells = append(cells, []string{r.Name, r.ID,
			move(loc.T(r.LoyaltyWas), loc.T(r.LoyaltyNow)), move(planLabel(loc, r.PlanWas), planLabel(loc, r.PlanNow))})
	}
	head := " (" + loc.T("was") + " › " + loc.T("now") + ")"
	d.grid([]string{loc.T("name"), loc.T("id"), loc.T("loyalty") + head, loc.T("plan") + head},
		cells, []float64{0.34, 0.12, 0.27, 0.27}, "LLLL", -1, nil)
	if total > int64(len(rows)) {
		d.text(fmt.Sprintf("%d / %s", len(rows), loc.Number(float64(total), 0)), 7.5)
	}
}

// move shows a change as "was › now", an unchanged value alone.
func move(was, now string) string {
	if was == now {
		return now
	}
	return was + " › " + now
}
