package reports

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// hyperlink is a reseller name that Excel would run as a formula.
const hyperlink = `=HYPERLINK("http://x","click")`

// workbookLake publishes partner_scores, recruitment_targets and
// region_coverage of 2026-10 by hand, with names that start like formulas,
// and partner_outlook when outlook is set.
func workbookLake(t *testing.T, outlook bool) *lake {
	t.Helper()
	h := newHandLake(t)
	copyTo := func(table, q string) { h.publish(table, "2026-10", q) }
	copyTo("partner_scores", `SELECT * FROM (VALUES
	  ('P1', '+33 Bureau SARL', '11', 'Île-de-France', '75', 'Paris', 'VAR', 'VAR / 1-9', 'loyal', 'strategic', 'cruise', 'retention', 'field',
	   1200.5::DECIMAL(18, 2), 15000.25::DECIMAL(18, 2), 0.125::DOUBLE, 12::BIGINT, 40000::DOUBLE, 'declared', 0.375::DOUBLE, 0.3::DOUBLE, 0::DOUBLE, 1::BIGINT, 1::BIGINT, 'loyal: active 12 of the last 12 months',
	   [{'rule': 'loyalty', 'args': MAP {'loyalty': 'loyal', 'months': '12'}}]),
	  ('P2', '-Print- SAS', '11', 'Île-de-France', '92', 'Hauts-de-Seine', 'retail', 'retail / 1-9', 'occasional', 'opportunity', 'development', 'development', 'telesales',
	   0, 3000, NULL, 5, 100000, 'estimated', 0.03, 0.3, 27000, 2, 2, '@risk', NULL),
	  ('P3', 'Bureau Central', '53', 'Bretagne', '35', 'Ille-et-Vilaine', 'VAR', 'VAR / 1-9', 'occasional', 'occasional', 'development', 'development', 'telesales',
	   100, 2000, -0.5, 4, 10000, 'declared', 0.2, 0.3, 1000, 3, 1, 'x', NULL),
	  ('P4', chr(9) || 'Tab Name', '53', 'Bretagne', '29', 'Finistère', 'VAR', 'VAR / 1-9', 'inactive', NULL, 'prospecting', 'prospection', 'telesales',
	   0, 0, NULL, 0, 80000, 'declared', 0, NULL, NULL, NULL, NULL, chr(13) || 'cr', NULL),
	  ('P5', 'Sans Plan', '53', 'Bretagne', '29', 'Finistère', 'VAR', 'VAR / 1-9', 'inactive', NULL, 'prospecting', NULL, 'telesales',
	   0, 0, NULL, 0, NULL, 'none', NULL, NULL, NULL, NULL, NULL, 'no plan', NULL)
	) t(partner_id, name, region, region_name, department, department_name, typology, profile, loyalty, supplier_status, mode, plan, coverage_model,
	    revenue_period, revenue_t12m, growth_yoy, months_active_t12m, potential, potential_source, share_of_wallet, attainable_share,
	    opportunity, rank_national, rank_region, reasons, reason_codes)`)
	copyTo("recruitment_targets", `SELECT * FROM (VALUES
	  ('reseller', 1::BIGINT, NULL, 'nordis|C042', '`+strings.ReplaceAll(hyperlink, "'", "''")+`', '29', '53', NULL::DOUBLE, 2500.0::DOUBLE, 'under', 'already buying'),
	  ('partner', 1::BIGINT, 'P4', NULL, chr(9) || 'Tab Name', '29', '53', 80000.0, 0.0, 'under', 'potential 80,000')
	) t(target_type, priority, partner_id, reseller_key, name, department, region, potential, amount_t12m, coverage_flag, reason)`)
	if outlook {
		// P3 and P1 at risk (P3 risks more), P2 healthy, P4 without an
		// outlook, P5 at risk but inactive now and a year ago: not listed
		copyTo("partner_outlook", `SELECT * FROM (VALUES
		  ('P1', 0.2::DOUBLE, 0.5::DOUBLE, 400.0::DOUBLE, 2000.0::DOUBLE, 300.0::DOUBLE, 'at_risk', 'overdue', [19.0, 4.2, 0.2]::DOUBLE[], 12::BIGINT, 30.0::DOUBLE, 49.0::DOUBLE),
		  ('P2', 0.9, 1.5, 900.0, 3500.5, 75.0, 'healthy', 'active', [2.0, 3.6, 0.9], 20, 47.0, 49.0),
		  ('P3', 0.1, 0.2, 100.0, 500.0, 500.0, 'at_risk', 'overdue', [30.0, 3.0, 0.1], 8, 19.0, 49.0),
		  ('P5', 0.05, 0.0, 0.0, 0.0, 10.0, 'at_risk', 'overdue', [40.0, 5.0, 0.05], 3, 9.0, 49.0)
		) t(partner_id, p_alive, expected_purchases_3m, expected_revenue_3m, expected_revenue_12m, revenue_at_risk_3m, risk,
		    reason_code, reason_values, purchases, recency_weeks, tenure_weeks)`)
	}
	copyTo("region_coverage", `SELECT * FROM (VALUES ('department', '29', 'Finistère', 'Bretagne'))
	  t(level, department, department_name, region_name)`)
	return h.open("2026-10")
}

// The workbook opens in excelize with its sheets in the report's
// language, a frozen header row, a table (filters) on each sheet, money
// and percent formats, numbers as numbers, and every text that starts
// like a formula escaped as text; the same data gives the same bytes.
func TestWorkbook(t *testing.T) {
	t.Parallel()
	l := workbookLake(t, false)
	created := time.Date(2026, 10, 31, 23, 59, 59, 0, time.UTC)
	for _, lang := range []string{"fr", "en"} {
		loc, err := newLocale(lang, "EUR")
		if err != nil {
			t.Fatal(err)
		}
		data, err := buildWorkbook(t.Context(), loc, l, l.start, created)
		if err != nil {
			t.Fatal(err)
		}
		again, err := buildWorkbook(t.Context(), loc, l, l.start, created)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, again) {
			t.Errorf("%s: two builds of the same data differ", lang)
		}
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: open: %v", lang, err)
		}
		defer f.Close()
		wantSheets := map[string][]string{
			"fr": {"Partenaires", "Partenaires à risque", "Plan fidélisation", "Plan développement", "Plan accompagnement", "Plan prospection", "Cibles de recrutement"},
			"en": {"Partners", "Partners at risk", "Plan retention", "Plan development", "Plan support", "Plan prospection", "Recruitment targets"},
		}[lang]
		if got := f.GetSheetList(); !slices.Equal(got, wantSheets) {
			t.Fatalf("%s: sheets %q, want %q", lang, got, wantSheets)
		}
		props, err := f.GetDocProps()
		if err != nil || props.Created != "2026-10-31T23:59:59Z" || props.Modified != props.Created {
			t.Errorf("%s: doc properties %+v, %v; want created and modified at the period's last second", lang, props, err)
		}
		for _, sheet := range wantSheets {
			panes, err := f.GetPanes(sheet)
			if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
				t.Errorf("%s %s: panes %+v, %v; want the header row frozen", lang, sheet, panes, err)
			}
			tables, err := f.GetTables(sheet)
			if err != nil || len(tables) != 1 || !strings.HasPrefix(tables[0].Range, "A1:") {
				t.Errorf("%s %s: tables %+v, %v; want one table from A1", lang, sheet, tables, err)
			}
		}
		main := wantSheets[0]
		cell := func(sheet, ref string) string {
			t.Helper()
			v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		header := map[string]string{"fr": "Chiffre d'affaires 12 mois", "en": "Revenue, last 12 months"}[lang]
		if got := cell(main, "N1"); got != header {
			t.Errorf("%s: N1 %q, want %q", lang, got, header)
		}
		if tables, _ := f.GetTables(main); len(tables) == 1 && tables[0].Range != "A1:AC6" {
			t.Errorf("%s: partners table %s, want A1:AC6 (5 partners)", lang, tables[0].Range)
		}
		// rank order: P1, P2, P3, then the unranked by id
		for i, want := range []string{"P1", "P2", "P3", "P4", "P5"} {
			if got := cell(main, "A"+string(rune('2'+i))); got != want {
				t.Errorf("%s: row %d is %s, want %s", lang, i+2, got, want)
			}
		}
		// numbers are numbers with their formats; a missing one is empty
		for ref, want := range map[string]string{"N2": "15000.25", "S2": "0.375", "O2": "0.125", "O3": "", "V2": "1", "P2": "12"} {
			if got := cell(main, ref); got != want {
				t.Errorf("%s: %s = %q, want %q", lang, ref, got, want)
			}
		}
		format := func(sheet, ref string) string {
			t.Helper()
			id, err := f.GetCellStyle(sheet, ref)
			if err != nil {
				t.Fatal(err)
			}
			st, err := f.GetStyle(id)
			if err != nil {
				t.Fatal(err)
			}
			if st.CustomNumFmt != nil {
				return *st.CustomNumFmt
			}
			return ""
		}
		if got := format(main, "N2"); !strings.Contains(got, "€") || !strings.Contains(got, "#,##0.00") {
			t.Errorf("%s: revenue format %q, want euros with two decimals", lang, got)
		}
		for _, ref := range []string{"S2", "O2"} {
			if got := format(main, ref); got != "0.0%" {
				t.Errorf("%s: %s format %q, want 0.0%%", lang, ref, got)
			}
		}
		if lang == "fr" {
			for ref, want := range map[string]string{"H2": "fidèle", "I2": "stratégique", "I3": "opportunité", "K2": "fidélisation", "R3": "estimé", "K6": ""} {
				if got := cell(main, ref); got != want {
					t.Errorf("fr: %s = %q, want %q", ref, got, want)
				}
			}
		}
		// The reasons in the report's language, from their codes; without
		// codes a French workbook shows none rather than the English column.
		reasons := map[string][2]string{"fr": {"fidèle\u00a0: 12 mois d'achats sur 12", ""}, "en": {"loyal: active 12 of the last 12 months", "'@risk"}}[lang]
		if got := cell(main, "AC2"); got != reasons[0] {
			t.Errorf("%s: AC2 = %q, want %q", lang, got, reasons[0])
		}
		// Without partner_outlook: empty outlook cells, the at-risk sheet
		// with its header only.
		for _, ref := range []string{"X2", "Y2", "Z2", "AA2", "AB2"} {
			if got := cell(main, ref); got != "" {
				t.Errorf("%s: %s = %q, want empty: the period has no outlook", lang, ref, got)
			}
		}
		if rows, err := f.GetRows(wantSheets[1]); err != nil || len(rows) != 1 {
			t.Errorf("%s: at-risk sheet %q, %v; want the header only", lang, rows, err)
		}
		// Escaped: text cells starting with = + - @ tab or CR, never formulas.
		targets := wantSheets[6]
		escaped := map[[2]string]string{
			{targets, "D3"}: "'" + hyperlink, {targets, "D2"}: "'\tTab Name", {main, "B2"}: "'+33 Bureau SARL", {main, "B3"}: "'-Print- SAS",
			{main, "AC3"}: reasons[1], {main, "B5"}: "'\tTab Name", {main, "B4"}: "Bureau Central",
		}
		if lang == "en" { // the English column as it is
			escaped[[2]string{main, "AC5"}] = "'\rcr"
		}
		for at, want := range escaped {
			if got := cell(at[0], at[1]); got != want {
				t.Errorf("%s: %s!%s = %q, want %q", lang, at[0], at[1], got, want)
			}
			if formula, err := f.GetCellFormula(at[0], at[1]); err != nil || formula != "" {
				t.Errorf("%s: %s!%s has formula %q, %v", lang, at[0], at[1], formula, err)
			}
		}
		// The plan sheets: development by opportunity, prospection its one partner.
		dev := wantSheets[3]
		if a, b := cell(dev, "A2"), cell(dev, "A3"); a != "P2" || b != "P3" {
			t.Errorf("%s: development sheet starts %s, %s; want P2 (opportunity 27,000) then P3", lang, a, b)
		}
		if rows, err := f.GetRows(wantSheets[5]); err != nil || len(rows) != 2 || rows[1][0] != "P4" {
			t.Errorf("%s: prospection sheet %q, %v; want the header and P4", lang, rows, err)
		}
		if rows, err := f.GetRows(wantSheets[4]); err != nil || len(rows) != 1 {
			t.Errorf("%s: support sheet %q, %v; want the header only", lang, rows, err)
		}
	}
}

// With partner_outlook the partner sheets carry each partner's outlook
// (empty cells for a partner without one) and the at-risk sheet lists the
// loyal and occasional partners at risk by revenue at risk, as the
// summary does, in the report's language.
func TestWorkbookOutlook(t *testing.T) {
	t.Parallel()
	l := workbookLake(t, true)
	created := time.Date(2026, 10, 31, 23, 59, 59, 0, time.UTC)
	for _, tt := range []struct {
		lang, main, atRisk, pAlive, atRiskLabel, risk, reason string
	}{
		{"en", "Partners", "Partners at risk", "Chance still buying", "Revenue at risk, next quarter", "at risk",
			"last purchase 30 weeks ago against a usual gap of 3 weeks: 10% chance still buying"},
		{"fr", "Partenaires", "Partenaires à risque", "Chance qu'il achète encore", "CA à risque, trimestre prochain", "à risque",
			"dernier achat il y a 30 semaines pour un intervalle habituel de 3 semaines\u00a0: 10\u00a0% de chances qu'il achète encore"},
	} {
		loc, err := newLocale(tt.lang, "EUR")
		if err != nil {
			t.Fatal(err)
		}
		data, err := buildWorkbook(t.Context(), loc, l, l.start, created)
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: open: %v", tt.lang, err)
		}
		defer f.Close()
		rows, err := f.GetRows(tt.main, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		// header, then P1 to P5 by rank; columns X to AB
		want := [][]string{
			{tt.pAlive, loc.T("outlook.risk"), loc.T("outlook.revenue_3m"), loc.T("outlook.revenue_12m"), tt.atRiskLabel},
			{"0.2", tt.risk, "400", "2000", "300"},
			{"0.9", loc.T("outlook.risk.healthy"), "900", "3500.5", "75"},
			{"0.1", tt.risk, "100", "500", "500"},
			{"", "", "", "", ""}, // P4: no outlook
			{"0.05", tt.risk, "0", "0", "10"},
		}
		for i, w := range want {
			got := make([]string, 5)
			for j := range got {
				if 23+j < len(rows[i]) {
					got[j] = rows[i][23+j]
				}
			}
			if !slices.Equal(got, w) {
				t.Errorf("%s: partners row %d, columns X:AB = %q, want %q", tt.lang, i+1, got, w)
			}
		}
		rows, err = f.GetRows(tt.atRisk, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || rows[1][0] != "P3" || rows[2][0] != "P1" {
			t.Fatalf("%s: at-risk sheet %q; want the header, P3 (500 at risk), P1 (300)", tt.lang, rows)
		}
		p3 := map[string]string{"occasional": rows[1][3], "weeks": rows[1][5], "gap": rows[1][6], "p_alive": rows[1][7],
			"at_risk": rows[1][8], "reason": rows[1][9]}
		for k, w := range map[string]string{"occasional": loc.T("occasional"), "weeks": "30", "gap": "3", "p_alive": "0.1",
			"at_risk": "500", "reason": tt.reason} {
			if p3[k] != w {
				t.Errorf("%s: at-risk P3 %s = %q, want %q", tt.lang, k, p3[k], w)
			}
		}
		if tables, err := f.GetTables(tt.atRisk); err != nil || len(tables) != 1 || tables[0].Range != "A1:J3" {
			t.Errorf("%s: at-risk tables %+v, %v; want A1:J3", tt.lang, tables, err)
		}
	}
}
