package reports

import (
	"context"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// The outlook in the workbook (issue 15): five columns of partner_outlook
// on the partner sheets, and a sheet of the partners at risk with the
// summary's selection and order (all of them, not the summary's first 15).
// A period published before the outlook has empty cells and a sheet with
// its header only, so a workbook always has the same sheets and columns.

// outlookColumns follow the partner_scores columns on the partner sheets.
var outlookColumns = []wbColumn{
	{"outlook.p_alive", kindPercent, 11}, {"outlook.risk", kindText, 11}, {"outlook.revenue_3m", kindMoney, 14},
	{"outlook.revenue_12m", kindMoney, 14}, {"outlook.at_risk_3m", kindMoney, 14},
}

var atRiskColumns = []wbColumn{
	{"id", kindText, 10}, {"name", kindText, 36}, {"region", kindText, 22}, {"loyalty", kindText, 13},
	{"loyalty_year_ago", kindText, 13}, {"outlook.weeks_since", kindInt, 11}, {"outlook.usual_gap", kindInt, 11},
	{"outlook.p_alive", kindPercent, 11}, {"outlook.at_risk_3m", kindMoney, 14}, {"reason", kindText, 80},
}

// outlookCells are a partner's outlook cells, empty without an outlook.
func outlookCells(loc *locale, o *partnerOutlook) []any {
	if o == nil {
		return []any{(*float64)(nil), "", (*float64)(nil), (*float64)(nil), (*float64)(nil)}
	}
	return []any{o.PAlive, labelOrEmpty(loc, riskKey(o.Risk)), o.Revenue3m, o.Revenue12m, o.AtRisk3m}
}

func riskKey(risk string) string {
	if risk == "" {
		return ""
	}
	return "outlook.risk." + risk
}

// atRiskCells is a row of the at-risk sheet: the weeks since the last
// purchase and the usual gap are the reason's numbers, as in the PDFs.
func atRiskCells(loc *locale, r atRiskRow) []any {
	weeks := func(i int) *float64 {
		if (r.Code != "overdue" && r.Code != "active") || i >= len(r.Values) {
			return nil
		}
		return &r.Values[i]
	}
	return []any{r.ID, r.Name, r.Region, labelOrEmpty(loc, r.Loyalty), labelOrEmpty(loc, r.LoyaltyYearAgo),
		weeks(0), weeks(1), r.PAlive, &r.AtRisk3m, loc.outlookReason(r.Code, r.Values)}
}

// addOutlook gives each partner its outlook, when the period has one.
func (l *lake) addOutlook(ctx context.Context, partners []*wbPartner) error {
	byID := make(map[string]*wbPartner, len(partners))
	for _, p := range partners {
		byID[p.id] = p
	}
	return l.eachOutlook(ctx, "", func(id string, o *partnerOutlook) {
		if p := byID[id]; p != nil {
			p.outlook = o
		}
	})
}

// writeAtRiskSheet adds the sheet of the partners at risk.
func writeAtRiskSheet(ctx context.Context, f *excelize.File, st wbStyles, loc *locale, l *lake) error {
	rows, err := l.atRiskPartners(ctx, 0)
	if err != nil {
		return err
	}
	name := loc.T("workbook_at_risk")
	if _, err := f.NewSheet(name); err != nil {
		return fmt.Errorf("sheet %q: %w", name, err)
	}
	cells := make([][]any, len(rows))
	for i, r := range rows {
		cells[i] = atRiskCells(loc, r)
	}
	return writeSheet(f, st, loc, name, "At_risk", atRiskColumns, cells)
}
