package reports

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/channelscope/channelscope/sheet"
)

// WorkbookName is the workbook's file name under reports/P/.
const WorkbookName = "partners.xlsx"

// workbookPlans are the plans with a sheet each, in the order of the tabs.
var workbookPlans = []string{"retention", "development", "support", "prospection"}

// cellKind says how a column's cells are typed and formatted.
type cellKind int

const (
	kindText cellKind = iota
	kindMoney
	kindPercent
	kindInt
)

// wbColumn is a column of a sheet: its header (a dictionary key), its kind
// and its width in characters.
type wbColumn struct {
	label string
	kind  cellKind
	width float64
}

var partnerColumns = []wbColumn{
	{"id", kindText, 10}, {"name", kindText, 36}, {"region", kindText, 22}, {"department", kindText, 8},
	{"department_name", kindText, 18}, {"typology", kindText, 12}, {"profile", kindText, 30},
	{"loyalty", kindText, 13}, {"supplier_status", kindText, 14}, {"mode", kindText, 13}, {"plan", kindText, 14},
	{"coverage_model", kindText, 11}, {"revenue_period", kindMoney, 14}, {"revenue_t12m", kindMoney, 14},
	{"growth", kindPercent, 10}, {"months_active", kindInt, 9}, {"potential", kindMoney, 14},
	{"potential_source", kindText, 11}, {"share", kindPercent, 10}, {"attainable", kindPercent, 10},
	{"opportunity", kindMoney, 14}, {"rank", kindInt, 8}, {"rank_region", kindInt, 8},
	// then outlookColumns (workbook_outlook.go), then the reasons
}

// partnerSheetColumns are the columns of the partner sheets.
var partnerSheetColumns = append(append(append([]wbColumn(nil), partnerColumns...), outlookColumns...),
	wbColumn{"reasons", kindText, 80})

var targetColumns = []wbColumn{
	{"type", kindText, 22}, {"priority", kindInt, 8}, {"id", kindText, 14}, {"name", kindText, 36},
	{"department", kindText, 8}, {"department_name", kindText, 18}, {"region", kindText, 22}, {"flag", kindText, 13},
	{"potential", kindMoney, 14}, {"amount_t12m", kindMoney, 14}, {"reason", kindText, 80},
}

// wbPartner is a row of the workbook_partners query.
type wbPartner struct {
	id, name, region, dept, deptName, typology, profile, loyalty, status, mode, plan, coverage string
	revPeriod, revT12m                                                                         float64
	growth                                                                                     *float64
	months                                                                                     int64
	potential                                                                                  *float64
	source                                                                                     string
	share, attainable, opportunity                                                             *float64
	rank, rankRegion                                                                           *int64
	reasons                                                                                    string // English
	codes                                                                                      []ReasonCode
	outlook                                                                                    *partnerOutlook // nil without one
}

func (p *wbPartner) cells(loc *locale) []any {
	row := []any{p.id, p.name, p.region, p.dept, p.deptName, p.typology, p.profile, loc.T(p.loyalty),
		statusOrEmpty(loc, p.status), loc.T(p.mode), labelOrEmpty(loc, p.plan), loc.T(p.coverage), p.revPeriod, p.revT12m,
		p.growth, p.months, p.potential, labelOrEmpty(loc, p.source), p.share, p.attainable, p.opportunity,
		p.rank, p.rankRegion}
	return append(append(row, outlookCells(loc, p.outlook)...), loc.Reasons(p.codes, p.reasons))
}

// wbTarget is a row of the workbook_targets query.
type wbTarget struct {
	typ                                    string
	priority                               *int64
	id, name, dept, deptName, region, flag string
	potential, amount                      *float64
	reason                                 string // English
	codes                                  []ReasonCode
}

func (t *wbTarget) cells(loc *locale) []any {
	return []any{loc.T("target_" + t.typ), t.priority, t.id, t.name, t.dept, t.deptName, t.region,
		labelOrEmpty(loc, t.flag), t.potential, t.amount, loc.Reasons(t.codes, t.reason)}
}

func labelOrEmpty(loc *locale, v string) string {
	if v == "" {
		return ""
	}
	return loc.T(v)
}

func statusOrEmpty(loc *locale, v string) string {
	if v == "" {
		return ""
	}
	return loc.statusLabel(v)
}

// wbStyles are the style ids of a workbook's cells by kind.
type wbStyles struct {
	header int
	kinds  map[cellKind]int
}

func newWBStyles(f *excelize.File, loc *locale) (wbStyles, error) {
	money := `"` + loc.currency + `"#,##0.00;-"` + loc.currency + `"#,##0.00`
	if loc.lang == "fr" {
		money = `#,##0.00\ "` + loc.currency + `";-#,##0.00\ "` + loc.currency + `"`
	}
	percent, integer := "0.0%", "#,##0"
	s := wbStyles{kinds: map[cellKind]int{}}
	var err error
	if s.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}); err != nil {
		return s, err
	}
	// in a fixed order: the style ids are in the bytes
	for _, k := range []struct {
		kind    cellKind
		fmtCode *string
	}{{kindText, nil}, {kindMoney, &money}, {kindPercent, &percent}, {kindInt, &integer}} {
		st := &excelize.Style{CustomNumFmt: k.fmtCode}
		if k.kind == kindText {
			st.NumFmt = 49 // "@": text, so that Excel keeps what is typed there as text too
		}
		if s.kinds[k.kind], err = f.NewStyle(st); err != nil {
			return s, err
		}
	}
	return s, nil
}

// buildWorkbook writes partners.xlsx for period: every partner of
// partner_scores with its outlook, the partners at risk, a sheet per plan
// and the recruitment targets, headers in
// the report's language. The same data gives the same bytes.
func buildWorkbook(ctx context.Context, loc *locale, l *lake, period, created time.Time) ([]byte, error) {
	partners, err := l.workbookPartners(ctx)
	if err != nil {
		return nil, err
	}
	if err := l.addOutlook(ctx, partners); err != nil {
		return nil, err
	}
	targets, err := l.workbookTargets(ctx)
	if err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	defer f.Close()
	// excelize writes streamed sheets in map order: sort the zip entries
	f.SetZipWriter(newSortedZip)
	stamp := created.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Created: stamp, Modified: stamp, Creator: "channelscope",
		LastModifiedBy: "channelscope", Title: fmt.Sprintf(loc.T("workbook_title"), loc.Month(period)), Language: loc.lang}); err != nil {
		return nil, err
	}
	styles, err := newWBStyles(f, loc)
	if err != nil {
		return nil, err
	}
	first := loc.T("workbook_partners")
	if err := f.SetSheetName("Sheet1", first); err != nil {
		return nil, err
	}
	rows := func(ps []*wbPartner) [][]any {
		out := make([][]any, len(ps))
		for i, p := range ps {
			out[i] = p.cells(loc)
		}
		return out
	}
	if err := writeSheet(f, styles, loc, first, "Partners", partnerSheetColumns, rows(partners)); err != nil {
		return nil, err
	}
	if err := writeAtRiskSheet(ctx, f, styles, loc, l); err != nil {
		return nil, err
	}
	for _, plan := range workbookPlans {
		var in []*wbPartner
		for _, p := range partners {
			if p.plan == plan {
				in = append(in, p)
			}
		}
		slices.SortStableFunc(in, sheetOrder(plan))
		name := fmt.Sprintf(loc.T("workbook_plan"), loc.T(plan))
		if _, err := f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
		if err := writeSheet(f, styles, loc, name, "Plan_"+plan, partnerSheetColumns, rows(in)); err != nil {
			return nil, err
		}
	}
	name := loc.T("recruitment_targets")
	if _, err := f.NewSheet(name); err != nil {
		return nil, fmt.Errorf("sheet %q: %w", name, err)
	}
	trows := make([][]any, len(targets))
	for i, t := range targets {
		trows[i] = t.cells(loc)
	}
	if err := writeSheet(f, styles, loc, name, "Targets", targetColumns, trows); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("write workbook: %w", err)
	}
	return buf.Bytes(), nil
}

// sheetOrder sorts a plan's sheet by what the plan is about: the revenue to
// keep, the opportunity to develop, the potential to prospect.
func sheetOrder(plan string) func(a, b *wbPartner) int {
	key := func(p *wbPartner) float64 { return p.revT12m }
	switch plan {
	case "development":
		key = func(p *wbPartner) float64 { return deref(p.opportunity) }
	case "prospection":
		key = func(p *wbPartner) float64 { return deref(p.potential) }
	}
	return func(a, b *wbPartner) int {
		return cmp.Or(cmp.Compare(key(b), key(a)), strings.Compare(a.id, b.id))
	}
}

func deref(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}

// writeSheet streams a sheet: a header row frozen above the rows, every
// column typed and formatted by its kind, the whole an Excel table (so it
// has its filter buttons) named table.
func writeSheet(f *excelize.File, st wbStyles, loc *locale, sheet, table string, cols []wbColumn, rows [][]any) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("sheet %q: %w", sheet, err)
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = excelize.Cell{StyleID: st.header, Value: loc.T(c.label)}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	for r, row := range rows {
		cells := make([]any, len(row))
		for i, v := range row {
			cells[i] = excelize.Cell{StyleID: st.kinds[cols[i].kind], Value: cellValue(v)}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return fmt.Errorf("sheet %q row %d: %w", sheet, r+2, err)
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(cols), max(2, len(rows)+1))
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: table, StyleName: "TableStyleLight9"}); err != nil {
		return fmt.Errorf("sheet %q: %w", sheet, err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("sheet %q: %w", sheet, err)
	}
	return nil
}

// cellValue is what a cell holds: a number, nothing for a missing one, or
// a text escaped against formula injection.
func cellValue(v any) any {
	switch v := v.(type) {
	case *float64:
		if v == nil {
			return nil
		}
		return *v
	case *int64:
		if v == nil {
			return nil
		}
		return *v
	case string:
		// A string cell is never evaluated when the file opens; the
		// visible quote sheet.Escape prepends to a formula-like text keeps
		// it inert once someone edits the cell, copies it or saves the
		// sheet as CSV. A reseller's name comes from a distributor's feed.
		return sheet.Escape(v)
	}
	return v
}

// workbookPartners reads every partner of partner_scores.
func (l *lake) workbookPartners(ctx context.Context) ([]*wbPartner, error) {
	rows, err := l.query(ctx, qWorkbookPartners)
	if err != nil {
		return nil, fmt.Errorf("read partner_scores for the workbook: %w", err)
	}
	defer rows.Close()
	var out []*wbPartner
	for rows.Next() {
		p := &wbPartner{}
		var codes string
		if err := rows.Scan(&p.id, &p.name, &p.region, &p.dept, &p.deptName, &p.typology, &p.profile, &p.loyalty,
			&p.status, &p.mode, &p.plan, &p.coverage, &p.revPeriod, &p.revT12m, &p.growth, &p.months, &p.potential,
			&p.source, &p.share, &p.attainable, &p.opportunity, &p.rank, &p.rankRegion, &p.reasons, &codes); err != nil {
			return nil, fmt.Errorf("read partner_scores for the workbook: %w", err)
		}
		var err error
		if p.codes, err = parseReasonCodes(codes); err != nil {
			return nil, fmt.Errorf("partner_scores of %s: %w", p.id, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// workbookTargets reads every recruitment target.
func (l *lake) workbookTargets(ctx context.Context) ([]*wbTarget, error) {
	rows, err := l.query(ctx, qWorkbookTargets)
	if err != nil {
		return nil, fmt.Errorf("read recruitment_targets for the workbook: %w", err)
	}
	defer rows.Close()
	var out []*wbTarget
	for rows.Next() {
		t := &wbTarget{}
		var codes string
		if err := rows.Scan(&t.typ, &t.priority, &t.id, &t.name, &t.dept, &t.deptName, &t.region, &t.flag,
			&t.potential, &t.amount, &t.reason, &codes); err != nil {
			return nil, fmt.Errorf("read recruitment_targets for the workbook: %w", err)
		}
		var err error
		if t.codes, err = parseReasonCodes(codes); err != nil {
			return nil, fmt.Errorf("recruitment_targets %s: %w", t.id, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
