package reports

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// restatedLabels are the labels of the "Restated since last report"
// section, kept beside it: the other sections' live in labels.go.
var restatedLabels = map[string]map[string]string{
	"en": {
		"restated_title":    "Restated since last report",
		"restated_period":   "%s: run %s replaces run %s (%s).",
		"restated_moved":    "Moved by the latest run: partners %s, distributors %s; figures %s.",
		"restated_no_move":  "No published figure moved.",
		"restated_changed":  "%s: sha256 %s, now %s",
		"restated_added":    "%s: new, sha256 %s",
		"restated_removed":  "%s: removed, was sha256 %s",
		"restated_stages":   "SQL changed: %s",
		"restated_largest":  "Largest movements",
		"restated_where":    "Digests abridged: in full in runs/<period>/<run>/manifest.json; every figure that moved in the restatements table.",
		"restated_measure":  "Measure",
		"restated_before":   "Before",
		"restated_after":    "After",
		"restated_amount":   "Sales-out amount",
		"restated_lines":    "Sales-out lines",
		"restated_no_value": "none",
	},
	"fr": {
		"restated_title":    "Republié depuis le dernier rapport",
		"restated_period":   "%s\u00a0: l'exécution %s remplace l'exécution %s (%s).",
		"restated_moved":    "Ont bougé à la dernière exécution\u00a0: partenaires %s, distributeurs %s\u00a0; chiffres %s.",
		"restated_no_move":  "Aucun chiffre publié n'a bougé.",
		"restated_changed":  "%s\u00a0: sha256 %s, désormais %s",
		"restated_added":    "%s\u00a0: nouveau, sha256 %s",
		"restated_removed":  "%s\u00a0: retiré, sha256 %s",
		"restated_stages":   "SQL modifié\u00a0: %s",
		"restated_largest":  "Plus forts mouvements",
		"restated_where":    "Empreintes abrégées\u00a0: complètes dans runs/<période>/<exécution>/manifest.json\u00a0; tous les chiffres qui ont bougé dans la table restatements.",
		"restated_measure":  "Mesure",
		"restated_before":   "Avant",
		"restated_after":    "Après",
		"restated_amount":   "Montant des ventes",
		"restated_lines":    "Lignes de ventes",
		"restated_no_value": "aucun",
	},
}

// rt is a label of this section in the report's language.
func rt(loc *locale, key string) string {
	if w, ok := restatedLabels[loc.lang][key]; ok {
		return w
	}
	return key
}

// summaryRestated says which periods were recomputed since the last
// report, why (the inputs that changed, with their sha256 before and
// after), and the largest movements; nothing when none was.
func (d *doc) summaryRestated(r restatedData) {
	if len(r.Periods) == 0 {
		return
	}
	loc := d.loc
	d.section(rt(loc, "restated_title"), 30)
	count := func(n int64) string { return loc.Number(float64(n), 0) }
	for _, p := range r.Periods {
		month := p.Period
		if t, err := time.Parse("2006-01", p.Period); err == nil {
			month = loc.Month(t)
		}
		for _, r := range p.Runs {
			d.text(fmt.Sprintf(rt(loc, "restated_period"), month, r.RunID, r.PreviousRunID, r.Reason), 8.5)
			for _, l := range runLines(loc, r) {
				d.text("   "+l, 7.5)
			}
		}
		switch {
		case !p.Counted: // published before restatements existed: unknown
		case p.Rows == 0:
			d.text("   "+rt(loc, "restated_no_move"), 7.5)
		default:
			d.text("   "+fmt.Sprintf(rt(loc, "restated_moved"), count(p.Partners), count(p.Distributors), count(p.Rows)), 7.5)
		}
	}
	if len(r.Movements) > 0 {
		var cells [][]string
		for _, m := range r.Movements {
			change := "–"
			if m.Delta != nil {
				change = signedFigure(loc, m.Measure, *m.Delta)
			}
			cells = append(cells, []string{m.Period, m.Name, m.ID, measureLabel(loc, m.Measure),
				restatedValue(loc, m.Measure, m.Before), restatedValue(loc, m.Measure, m.After), change})
		}
		d.section(rt(loc, "restated_largest"), 20)
		d.grid([]string{loc.T("period"), loc.T("name"), loc.T("id"), rt(loc, "restated_measure"), rt(loc, "restated_before"),
			rt(loc, "restated_after"), loc.T("change")}, cells, []float64{0.09, 0.22, 0.09, 0.21, 0.14, 0.14, 0.11}, "LLLLRRR", -1, nil)
	}
	d.text(rt(loc, "restated_where"), 7)
}

// runLines says what a restating run changed: each input with its sha256
// before and after, and the SQL stages.
func runLines(loc *locale, r restatingRun) []string {
	var lines []string
	for _, f := range r.Files {
		switch {
		case f.Before == "":
			lines = append(lines, fmt.Sprintf(rt(loc, "restated_added"), f.Path, short(f.After)))
		case f.After == "":
			lines = append(lines, fmt.Sprintf(rt(loc, "restated_removed"), f.Path, short(f.Before)))
		default:
			lines = append(lines, fmt.Sprintf(rt(loc, "restated_changed"), f.Path, short(f.Before), short(f.After)))
		}
	}
	if len(r.Stages) > 0 {
		lines = append(lines, fmt.Sprintf(rt(loc, "restated_stages"), strings.Join(r.Stages, ", ")))
	}
	return lines
}

// short abridges a sha256 for the page.
func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12] + "…"
	}
	return sum
}

func measureLabel(loc *locale, measure string) string {
	switch measure {
	case "amount", "lines":
		return rt(loc, "restated_"+measure)
	}
	return loc.T(measure)
}

// restatedValue shows a before or after value: money, a count, or a
// class in the report's words.
func restatedValue(loc *locale, measure string, v *string) string {
	if v == nil {
		return rt(loc, "restated_no_value")
	}
	switch measure {
	case "revenue_period", "revenue_t12m", "amount", "lines":
		f, err := strconv.ParseFloat(*v, 64)
		if err != nil {
			return *v
		}
		if measure == "lines" {
			return loc.Number(f, 0)
		}
		return loc.Money(f, 2)
	case "supplier_status":
		if *v == "opportunity" {
			return loc.T("opportunity_status")
		}
	}
	return loc.T(*v)
}

func signedFigure(loc *locale, measure string, v float64) string {
	s := loc.Money(v, 2)
	if measure == "lines" {
		s = loc.Number(v, 0)
	}
	if v > 0 {
		return "+" + s
	}
	return s
}
