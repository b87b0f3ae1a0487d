package reports

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
)

// regionReport renders reports/P/regions/<region>.pdf: how one region is
// covered, department by department, who carries it, whom to recruit and
// what moved since last month.
func regionReport(ctx context.Context, l *lake, loc *locale, region string, created time.Time) ([]byte, error) {
	rollup, err := l.rowsOf(ctx, `SELECT coalesce(region_name, region), master_partners, active_partners, loyal_partners,
       CAST(potential AS DOUBLE), CAST(revenue_t12m AS DOUBLE), share_of_wallet, partners_per_potential,
       coalesce(coverage_flag, ''), coalesce(reasons, '')
FROM `+l.table("region_coverage", l.period)+` WHERE level = 'region' AND region = ?`, region)
	if err != nil {
		return nil, fmt.Errorf("read region_coverage: %w", err)
	}
	if len(rollup) == 0 {
		return nil, fmt.Errorf("region %q: no row in region_coverage of %s", region, l.period)
	}
	r := rollup[0]
	month := loc.Month(l.start)
	name := str(r[0])
	d := newDoc(loc, loc.T("region_report")+" "+name, month+" · "+loc.T("region")+" "+region, created)
	d.banner(loc.T("region_report"), month, name, loc.T("region")+" "+region)
	d.regionFigures(r)

	steps := []func(context.Context, *lake, string) error{
		d.regionDepartments, d.regionTopPartners, d.regionPlans, d.regionTargets, d.regionMovements,
	}
	for _, step := range steps {
		if err := step(ctx, l, region); err != nil {
			return nil, err
		}
	}
	return d.bytes()
}

// regionFigures shows the region's rollup row: headline boxes, then its
// flag with the rule that gave it.
func (d *doc) regionFigures(r []any) {
	loc := d.loc
	money := func(v float64) string { return loc.Money(v, 0) }
	pct := func(v float64) string { return loc.Percent(v, 1) }
	flag := str(r[8])
	d.figureBoxes([][3]string{
		{loc.T("master_partners"), loc.Number(num(r[1]), 0),
			loc.T("active_partners") + " " + loc.Number(num(r[2]), 0) + " · " + loc.T("loyal") + " " + loc.Number(num(r[3]), 0)},
		{loc.T("potential"), loc.Opt(opt(r[4]), money), ""},
		{loc.T("revenue_t12m"), loc.Opt(opt(r[5]), money), loc.T("share") + " " + loc.Opt(opt(r[6]), pct)},
		{loc.T("flag"), flagLabel(loc, flag),
			loc.T("partners_per_potential") + " " + loc.Opt(opt(r[7]), func(v float64) string { return loc.Number(v, 2) })},
	})
	d.flagNote(flag, str(r[9]))
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
func (d *doc) regionDepartments(ctx context.Context, l *lake, region string) error {
	rows, err := l.rowsOf(ctx, `SELECT department, coalesce(department_name, ''), master_partners, active_partners,
       CAST(potential AS DOUBLE), CAST(revenue_t12m AS DOUBLE), share_of_wallet, partners_per_potential,
       coalesce(coverage_flag, '')
FROM `+l.table("region_coverage", l.period)+` WHERE level = 'department' AND region = ? ORDER BY department`, region)
	if err != nil {
		return fmt.Errorf("read department coverage: %w", err)
	}
	loc := d.loc
	d.section(loc.T("coverage_by_department"), 40)
	var cells [][]string
	var flags, codes []string
	for _, r := range rows {
		flag := str(r[8])
		flags, codes = append(flags, flag), append(codes, str(r[0]))
		cells = append(cells, []string{
			str(r[0]) + " " + str(r[1]), loc.Number(num(r[2]), 0), loc.Number(num(r[3]), 0),
			loc.Opt(opt(r[4]), func(v float64) string { return loc.Money(v, 0) }),
			loc.Opt(opt(r[5]), func(v float64) string { return loc.Money(v, 0) }),
			loc.Opt(opt(r[6]), func(v float64) string { return loc.Percent(v, 1) }),
			loc.Opt(opt(r[7]), func(v float64) string { return loc.Number(v, 2) }),
			flagLabel(loc, flag),
		})
	}
	d.flagStrip(codes, flags)
	d.grid([]string{loc.T("department"), loc.T("master_partners"), loc.T("active_partners"), loc.T("potential"),
		loc.T("revenue_t12m"), loc.T("share"), loc.T("partners_per_potential_short"), loc.T("flag")},
		cells, []float64{0.2, 0.1, 0.07, 0.14, 0.14, 0.09, 0.1, 0.16}, "LRRRRRRL", 7, flags)
	return nil
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
func (d *doc) regionTopPartners(ctx context.Context, l *lake, region string) error {
	rows, err := l.rowsOf(ctx, `SELECT rank_region, name, partner_id, CAST(revenue_t12m AS DOUBLE), loyalty, coalesce(plan, '')
FROM `+l.table("partner_scores", l.period)+` WHERE region = ? AND revenue_t12m > 0
ORDER BY revenue_t12m DESC, partner_id LIMIT 10`, region)
	if err != nil {
		return fmt.Errorf("read top partners: %w", err)
	}
	loc := d.loc
	d.section(loc.T("top_partners"), 30)
	if len(rows) == 0 {
		d.text(loc.T("no_partner"), 8.5)
		return nil
	}
	var cells [][]string
	for _, r := range rows {
		cells = append(cells, []string{str(r[0]), str(r[1]), str(r[2]), loc.Money(num(r[3]), 0), loc.T(str(r[4])), planLabel(loc, str(r[5]))})
	}
	d.grid([]string{"#", loc.T("name"), loc.T("id"), loc.T("revenue_t12m"), loc.T("loyalty"), loc.T("plan")},
		cells, []float64{0.05, 0.37, 0.12, 0.18, 0.14, 0.14}, "RLLRLL", -1, nil)
	return nil
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
func (d *doc) regionPlans(ctx context.Context, l *lake, region string) error {
	rows, err := l.rowsOf(ctx, `SELECT coalesce(plan, 'none'), CAST(count(*) AS BIGINT), CAST(sum(revenue_t12m) AS DOUBLE)
FROM `+l.table("partner_scores", l.period)+` WHERE region = ? GROUP BY ALL`, region)
	if err != nil {
		return fmt.Errorf("read plans: %w", err)
	}
	byPlan := map[string][]any{}
	for _, r := range rows {
		byPlan[str(r[0])] = r
	}
	loc := d.loc
	d.section(loc.T("partners_per_plan"), 36)
	var cells [][]string
	for _, p := range planOrder {
		r := byPlan[p]
		if r == nil {
			r = []any{p, int64(0), 0.0}
		}
		cells = append(cells, []string{planLabel(loc, p), loc.Number(num(r[1]), 0), loc.Money(num(r[2]), 0)})
	}
	d.grid([]string{loc.T("plan"), loc.T("master_partners"), loc.T("revenue_t12m")}, cells, []float64{0.4, 0.25, 0.35}, "LRR", -1, nil)
	return nil
}

// regionTargets lists whom to recruit in the region: partners of the
// master to prospect, then resellers not in the master, each by priority.
func (d *doc) regionTargets(ctx context.Context, l *lake, region string) error {
	rows, err := l.rowsOf(ctx, `WITH t AS (SELECT * FROM `+l.table("recruitment_targets", l.period)+` WHERE region = ?),
n AS (SELECT department, department_name FROM `+l.table("region_coverage", l.period)+` WHERE level = 'department')
SELECT target_type, priority, coalesce(t.name, ''), coalesce(partner_id, reseller_key, ''),
       coalesce(t.department || ' ' || n.department_name, t.department, ''), CAST(potential AS DOUBLE),
       CAST(amount_t12m AS DOUBLE)
FROM t LEFT JOIN n USING (department)
QUALIFY row_number() OVER (PARTITION BY target_type ORDER BY priority, coalesce(partner_id, reseller_key)) <= 15
ORDER BY target_type, priority, 4`, region)
	if err != nil {
		return fmt.Errorf("read recruitment_targets: %w", err)
	}
	loc := d.loc
	d.section(loc.T("recruitment_targets"), 34)
	if len(rows) == 0 {
		d.text(loc.T("no_target"), 8.5)
		return nil
	}
	money := func(v float64) string { return loc.Money(v, 0) }
	for _, kind := range []string{"partner", "reseller"} {
		var cells [][]string
		for _, r := range rows {
			if str(r[0]) != kind {
				continue
			}
			cells = append(cells, []string{str(r[1]), str(r[2]), str(r[3]), str(r[4]), loc.Opt(opt(r[5]), money), loc.Opt(opt(r[6]), money)})
		}
		if len(cells) == 0 {
			continue
		}
		d.subtitle(loc.T("target_" + kind + "s"))
		d.grid([]string{"#", loc.T("name"), loc.T("id"), loc.T("department"), loc.T("potential"), loc.T("amount_t12m")},
			cells, []float64{0.05, 0.33, 0.2, 0.16, 0.13, 0.13}, "RLLLRR", -1, nil)
	}
	return nil
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
func (d *doc) regionMovements(ctx context.Context, l *lake, region string) error {
	rows, err := l.rowsOf(ctx, `SELECT c.name, c.partner_id, p.loyalty, c.loyalty, coalesce(p.plan, ''), coalesce(c.plan, ''),
       CAST(count(*) OVER () AS BIGINT)
FROM `+l.table("partner_scores", l.period)+` c JOIN `+l.table("partner_scores", l.month(1))+` p USING (partner_id)
WHERE c.region = ? AND (c.loyalty IS DISTINCT FROM p.loyalty OR c.plan IS DISTINCT FROM p.plan)
ORDER BY c.revenue_t12m DESC, c.partner_id LIMIT 20`, region)
	if err != nil {
		return fmt.Errorf("read movements: %w", err)
	}
	loc := d.loc
	d.section(loc.T("movements"), 30)
	if len(rows) == 0 {
		d.text(loc.T("no_movement"), 8.5)
		return nil
	}
	var cells [][]string
	for _, r := range rows {
		cells = append(cells, []string{str(r[0]), str(r[1]),
			move(loc.T(str(r[2])), loc.T(str(r[3]))), move(planLabel(loc, str(r[4])), planLabel(loc, str(r[5])))})
	}
	head := " (" + loc.T("was") + " › " + loc.T("now") + ")"
	d.grid([]string{loc.T("name"), loc.T("id"), loc.T("loyalty") + head, loc.T("plan") + head},
		cells, []float64{0.34, 0.12, 0.27, 0.27}, "LLLL", -1, nil)
	if total := num(rows[0][6]); total > float64(len(rows)) {
		d.text(fmt.Sprintf("%d / %s", len(rows), loc.Number(total, 0)), 7.5)
	}
	return nil
}

// move shows a change as "was › now", an unchanged value alone.
func move(was, now string) string {
	if was == now {
		return now
	}
	return was + " › " + now
}

// grid is the table of these reports: headers wrap onto two lines, the
// header repeats on each new page, and the column flagCol (or -1) gets the
// coverage flag's swatch of its row before the text.
func (d *doc) grid(header []string, rows [][]string, widths []float64, align string, flagCol int, flags []string) {
	pdf := d.pdf
	_, pageH := pdf.GetPageSize()
	bottom := pageH - margin - 4
	const rowH = 5.0
	drawHeader := func() {
		d.font("B", 7.5, ink)
		lines := 1
		for i, h := range header {
			lines = max(lines, d.lineCount(h, widths[i]*contentW-2))
		}
		h := 3.6*float64(lines) + 1.6
		if pdf.GetY()+h+rowH > bottom {
			pdf.AddPage()
		}
		y := pdf.GetY()
		pdf.SetFillColor(light[0], light[1], light[2])
		pdf.Rect(margin, y, contentW, h, "F")
		x := margin
		for i, t := range header {
			pdf.SetXY(x, y+0.8)
			pdf.MultiCell(widths[i]*contentW, 3.6, d.tr(t), "", string(align[i]), false)
			x += widths[i] * contentW
		}
		pdf.SetXY(margin, y+h)
		d.font("", 8, ink)
	}
	drawHeader()
	pdf.SetDrawColor(light[0], light[1], light[2])
	pdf.SetLineWidth(0.2)
	for r, row := range rows {
		if pdf.GetY()+rowH > bottom {
			pdf.AddPage()
			drawHeader()
		}
		for i, c := range row {
			w := widths[i] * contentW
			if i == flagCol && r < len(flags) {
				if _, ok := flagRGB[flags[r]]; ok {
					x := pdf.GetX()
					d.swatch(flags[r])
					pdf.SetX(x + 4.5)
					w -= 4.5
				}
			}
			pdf.CellFormat(w, rowH, d.fitTo(c, w), "B", 0, string(align[i]), false, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.Ln(2)
}

// fitTo translates s and shortens it with an ellipsis to what a cell of
// width w holds at the current font (measured, unlike fit's estimate: names
// in capitals are wider than the average).
func (d *doc) fitTo(s string, w float64) string {
	room := w - 2*d.pdf.GetCellMargin()
	if t := d.tr(s); d.pdf.GetStringWidth(t) <= room {
		return t
	}
	r := []rune(s)
	for n := len(r) - 1; n > 0; n-- {
		if t := d.tr(strings.TrimSpace(string(r[:n])) + "…"); d.pdf.GetStringWidth(t) <= room {
			return t
		}
	}
	return ""
}

// lineCount is how many lines MultiCell wraps s into at the current font
// (fpdf's SplitText indexes widths by rune and breaks on the € of cp1252).
func (d *doc) lineCount(s string, w float64) int {
	lines, used := 1, 0.0
	space := d.pdf.GetStringWidth(" ")
	for i, word := range strings.Fields(s) {
		ww := d.pdf.GetStringWidth(d.tr(word))
		switch {
		case i == 0:
			used = ww
		case used+space+ww > w:
			lines, used = lines+1, ww
		default:
			used += space + ww
		}
	}
	return lines
}

// str, num and opt read the values rowsOf returns.
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

func num(v any) float64 {
	if p := opt(v); p != nil {
		return *p
	}
	return 0
}

func opt(v any) *float64 {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case float32:
		f = float64(x)
	case int64:
		f = float64(x)
	case int32:
		f = float64(x)
	case int:
		f = float64(x)
	case uint64:
		f = float64(x)
	case uint32:
		f = float64(x)
	case int16:
		f = float64(x)
	case int8:
		f = float64(x)
	case string:
		if _, err := fmt.Sscan(strings.TrimSpace(x), &f); err != nil {
			return nil
		}
	default:
		return nil
	}
	return &f
}
