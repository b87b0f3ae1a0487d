package delivery

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// words holds every sentence of the messages, in English and French. A
// manager reads the subject and body without opening the PDF, so they
// carry the period, the key figures, what changed and whether the period
// was restated.
var words = map[string]map[string]string{
	"en": {
		"subject.management": "Channel report %s: revenue %s this month, %s over 12 months, %s active partners",
		"subject.region":     "Channel report %s, %s: %s over 12 months, active partners %s, %s",
		"subject.stewards":   "Data quality %s: %s rejected lines, %s resellers to review, %s unknown resellers",
		"subject.correction": "Correction: ",
		"subject.restated":   " (restated)",
		"hello":              "Hello,",
		"intro.management":   "Here are the channel figures of %s.",
		"intro.region":       "Here are the channel figures of %s for the region %s.",
		"intro.stewards":     "Here is the data-quality notice of the run %s (run %s).",
		"correction":         "This message corrects the one sent on %s: the reports %s were recomputed and replace the previous ones.",
		"key_figures":        "Key figures",
		"revenue_period":     "Revenue this month",
		"revenue_t12m":       "Revenue, last 12 months",
		"active_partners":    "Active partners",
		"share_of_wallet":    "Share of wallet",
		"coverage":           "Coverage",
		"vs":                 "%s: %s",
		"kv":                 "- %s: %s",
		"what_changed":       "What changed",
		"first_run":          "First publication of %s (run %s).",
		"restated":           "%s was restated: run %s replaces run %s.",
		"inputs_added":       "New input files: %s.",
		"inputs_changed":     "Input files changed: %s.",
		"inputs_removed":     "Input files removed: %s.",
		"incomplete":         "These figures lack the feeds missing at the cut-off day: %s.",
		"stages_changed":     "Calculation rules changed: %s.",
		"window_rerun":       "No input of this month changed: it was recomputed because an earlier month it depends on was restated.",
		"moved":              "Figures that moved against the replaced run (restatements table): partners %d, distributors %d, rows %d.",
		"moved_none":         "No published figure moved against the replaced run.",
		"attached":           "Attached: %s.",
		"zipped":             "The reports are attached as one zip file (%s) because they exceed the attachment limit.",
		"too_big":            "The reports are too large to attach (%s, limit %s). They are on the reporting server:",
		"partner_pages":      "The zip holds the pages of the %d partners of the region.",
		"rejects":            "Rejected lines: %s",
		"no_rejects":         "Rejected lines: none.",
		"review":             "Resellers waiting for a steward's decision (review queue): %s",
		"unknown":            "Resellers not in the partner master: %s, %s of purchases",
		"held":               "Files held back (broken as a whole, not published):",
		"no_held":            "Files held back: none.",
		"missing":            "Distributors whose feed is missing: %s.",
		"no_missing":         "Missing feeds: none.",
		"signature":          "-- \nchannelscope, sent automatically after the monthly run.",
		"flag.uncovered":     "uncovered", "flag.under": "under-covered", "flag.balanced": "balanced", "flag.over": "over-covered",
	},
	"fr": {
		"subject.management": "Rapport canal %s : CA du mois %s, %s sur 12 mois, %s partenaires actifs",
		"subject.region":     "Rapport canal %s, %s : %s sur 12 mois, partenaires actifs %s, %s",
		"subject.stewards":   "Qualité des données %s : %s lignes rejetées, %s revendeurs à vérifier, %s revendeurs inconnus",
		"subject.correction": "Rectificatif : ",
		"subject.restated":   " (republié)",
		"hello":              "Bonjour,",
		"intro.management":   "Voici les chiffres du canal pour %s.",
		"intro.region":       "Voici les chiffres du canal pour %s, région %s.",
		"intro.stewards":     "Voici le bilan qualité des données du traitement %s (exécution %s).",
		"correction":         "Ce message rectifie celui envoyé le %s : les rapports %s ont été recalculés et remplacent les précédents.",
		"key_figures":        "Chiffres clés",
		"revenue_period":     "Chiffre d'affaires du mois",
		"revenue_t12m":       "Chiffre d'affaires 12 mois",
		"active_partners":    "Partenaires actifs",
		"share_of_wallet":    "Part de portefeuille",
		"coverage":           "Couverture",
		"vs":                 "%s : %s",
		"kv":                 "- %s : %s",
		"what_changed":       "Ce qui a changé",
		"first_run":          "Première publication pour %s (exécution %s).",
		"restated":           "Période %s republiée : l'exécution %s remplace l'exécution %s.",
		"inputs_added":       "Nouveaux fichiers d'entrée : %s.",
		"inputs_changed":     "Fichiers d'entrée modifiés : %s.",
		"inputs_removed":     "Fichiers d'entrée retirés : %s.",
		"incomplete":         "Ces chiffres n'incluent pas les fichiers manquants à la date limite : %s.",
		"stages_changed":     "Règles de calcul modifiées : %s.",
		"window_rerun":       "Aucun fichier de ce mois n'a changé : il a été recalculé car un mois antérieur dont il dépend a été republié.",
		"moved":              "Chiffres qui ont bougé par rapport à l'exécution remplacée (table restatements) : partenaires %d, distributeurs %d, lignes %d.",
		"moved_none":         "Aucun chiffre publié n'a bougé par rapport à l'exécution remplacée.",
		"attached":           "En pièce jointe : %s.",
		"zipped":             "Les rapports sont joints dans un fichier zip (%s) car ils dépassent la taille autorisée.",
		"too_big":            "Les rapports sont trop volumineux pour être joints (%s, limite %s). Ils sont sur le serveur de rapports :",
		"partner_pages":      "Le zip contient les fiches des %d partenaires de la région.",
		"rejects":            "Lignes rejetées : %s",
		"no_rejects":         "Lignes rejetées : aucune.",
		"review":             "Revendeurs en attente d'une décision (file de revue) : %s",
		"unknown":            "Revendeurs absents du référentiel partenaires : %s, %s d'achats",
		"held":               "Fichiers retenus (inexploitables, non publiés) :",
		"no_held":            "Fichiers retenus : aucun.",
		"missing":            "Distributeurs dont le fichier manque : %s.",
		"no_missing":         "Fichiers manquants : aucun.",
		"signature":          "-- \nchannelscope, envoi automatique après le traitement mensuel.",
		"flag.uncovered":     "non couverte", "flag.under": "sous-couverte", "flag.balanced": "équilibrée", "flag.over": "sur-couverte",
	},
}

var frMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// lang formats numbers, money and months in one language, as the PDF
// reports do (€1,234 in English, 1 234 € in French).
type lang struct {
	code, symbol string
	w            map[string]string
}

func newLang(code, currency string) (lang, error) {
	w, ok := words[code]
	if !ok {
		return lang{}, fmt.Errorf("email language %q: want en or fr", code)
	}
	symbol := map[string]string{"EUR": "€", "GBP": "£", "USD": "$"}[currency]
	if symbol == "" {
		symbol = currency
	}
	return lang{code: code, symbol: symbol, w: w}, nil
}

func (l lang) t(key string, args ...any) string {
	s, ok := l.w[key]
	if !ok {
		s = key
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// month names a period: October 2026, octobre 2026.
func (l lang) month(period string) string {
	t, err := time.Parse("2006-01", period)
	if err != nil {
		return period
	}
	if l.code == "fr" {
		return frMonths[t.Month()-1] + " " + t.Format("2006")
	}
	return t.Format("January 2006")
}

// of is "of October 2026", "d'octobre 2026", "de mars 2026".
func (l lang) of(period string) string {
	m := l.month(period)
	if l.code != "fr" {
		return "of " + m
	}
	if strings.ContainsRune("aeiouyàâéèêîôû", []rune(m)[0]) {
		return "d'" + m
	}
	return "de " + m
}

// number rounds to the unit and groups thousands. French uses a plain
// space (not a no-break one) so mail clients wrap and search it alike.
func (l lang) number(v float64) string {
	s := fmt.Sprintf("%.0f", math.Abs(v))
	var b strings.Builder
	if math.Round(v) < 0 {
		b.WriteString("-")
	}
	sep := ","
	if l.code == "fr" {
		sep = " "
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (l lang) money(v float64) string {
	if l.code == "fr" || utf8.RuneCountInString(l.symbol) > 1 {
		return l.number(v) + " " + l.symbol
	}
	if v < 0 {
		return "-" + l.symbol + l.number(-v)
	}
	return l.symbol + l.number(v)
}

func (l lang) percent(v float64) string {
	s := fmt.Sprintf("%.1f", 100*v)
	if l.code == "fr" {
		return strings.Replace(s, ".", ",", 1) + " %"
	}
	return s + "%"
}

// change is "+2.9%" of now against before; empty without a base.
func (l lang) change(now, before float64) string {
	if before == 0 {
		return ""
	}
	c := now/before - 1
	s := l.percent(c)
	if c >= 0 {
		s = "+" + s
	}
	return s
}

func (l lang) bytes(n int64) string {
	switch {
	case n >= 1<<20:
		return l.decimal(float64(n)/(1<<20)) + " MB"
	case n >= 1<<10:
		return l.decimal(float64(n)/(1<<10)) + " KB"
	}
	return fmt.Sprintf("%d B", n)
}

func (l lang) decimal(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	if l.code == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func (l lang) date(t time.Time) string {
	if l.code == "fr" {
		return t.UTC().Format("02/01/2006 15:04 UTC")
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}
