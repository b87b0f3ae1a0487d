package reports

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every rule a stage writes into a reason_codes column has a sentence in
// each language, whose placeholders are arguments the stage gives it.
func TestReasonTemplatesCoverStages(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../sql/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("stages: %v", err)
	}
	call := regexp.MustCompile(`reason\('([a-z_.]+)', MAP \{([^}]*)\}`)
	key := regexp.MustCompile(`'([a-z_]+)':`)
	rules := map[string][]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			var args []string
			for _, k := range key.FindAllStringSubmatch(m[2], -1) {
				args = append(args, k[1])
			}
			rules[m[1]] = args
		}
	}
	if len(rules) < 25 {
		t.Fatalf("found %d rules in the stages, want the 30 or so of segment and coverage", len(rules))
	}
	for lang, templates := range reasonTemplates {
		for rule, args := range rules {
			keys := []string{rule}
			if _, ok := templates[rule+".unknown"]; ok {
				keys = append(keys, rule+".unknown")
			}
			for _, k := range keys {
				tmpl, ok := templates[k]
				if !ok {
					t.Errorf("%s: no sentence for rule %s", lang, k)
					continue
				}
				for _, p := range placeholder.FindAllString(tmpl, -1) {
					name, _, _ := strings.Cut(p[1:len(p)-1], ":")
					if !slices.Contains(args, name) {
						t.Errorf("%s %s: placeholder %s is not an argument of the stage's rule (%v)", lang, k, p, args)
					}
				}
			}
		}
	}
}

// Reasons read from the lake's JSON are written per language, with the
// report's number formats; NULL arguments take the ".unknown" variant.
func TestReasonSentences(t *testing.T) {
	t.Parallel()
	codes, err := parseReasonCodes(`[{"rule":"loyalty","args":{"loyalty":"occasional","months":"5"}},` +
		`{"rule":"status","args":{"status":"opportunity","share":"0.016062107843137254","source":"declared","potential":"408000.0"}},` +
		`{"rule":"mode.development","args":{"share":"0.0160621","attainable":"0.0574","percentile":"75","profile":"VAR / 10-49"}},` +
		`{"rule":"plan.retention","args":{"rank":"3","as":"cruise"}},` +
		`{"rule":"coverage.telesales","args":{}}, null]`)
	if err != nil {
		t.Fatal(err)
	}
	target, err := parseReasonCodes(`{"rule":"target.partner","args":{"loyalty":"inactive","flag":"under","potential":null}}`)
	if err != nil {
		t.Fatal(err)
	}
	over, err := parseReasonCodes(`[{"rule":"over","args":{"density":"4000.0","unit":"1000000.0","factor":"2.0","median_density":"500.0","share":"0.04","median_share":"0.04"}}]`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang  string
		codes []ReasonCode
		want  string
	}{
		{"en", codes, "occasional: active 5 of the last 12 months; opportunity: share of wallet 1.6% of a potential of €408,000 (declared); " +
			"development: share 1.6% below the attainable 5.7% (75th percentile of VAR / 10-49); retention plan: rank 3 nationally, in cruise; telesales"},
		{"fr", codes, "occasionnel : 5 mois d'achats sur 12 ; opportunité : part de portefeuille de 1,6 % d'un potentiel de 408 000 € (déclaré) ; " +
			"développement : part de 1,6 % sous la part atteignable de 5,7 % (75e centile du profil VAR / 10-49) ; plan de fidélisation : rang national 3, en croisière ; télévente"},
		{"en", target, "inactive partner of the master in a department flagged under-covered, potential unknown"},
		{"fr", target, "partenaire inactif de la base dans un département sous-couvert, potentiel inconnu"},
		{"en", over, "over-covered: 4,000.00 active partners per €1,000,000 of potential, at least 2 × the median 500.00, while the share of wallet 4.0% is not above the median 4.0%"},
		{"fr", over, "sur-couvert : 4 000,00 partenaires actifs par 1 000 000 € de potentiel, au moins 2 × la médiane de 500,00, alors que la part de portefeuille de 4,0 % ne dépasse pas la médiane de 4,0 %"},
		{"fr", nil, ""},
	}
	for _, tt := range tests {
		loc, err := newLocale(tt.lang, "EUR")
		if err != nil {
			t.Fatal(err)
		}
		got := strings.ReplaceAll(loc.Reasons(tt.codes, "the English column"), "\u00a0", " ")
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.lang, got, tt.want)
		}
	}
	en, _ := newLocale("en", "EUR")
	if got := en.Reasons(nil, "the English column"); got != "the English column" {
		t.Errorf("English without codes: %q", got)
	}
	if got := en.Reason(ReasonCode{Rule: "new.rule"}); got != "new.rule" {
		t.Errorf("unknown rule: %q", got)
	}
}

func TestParseReasonCodesErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`[{"rule": 1}]`, `{"rule":"x","args":[1]}`, `[`} {
		if _, err := parseReasonCodes(in); err == nil {
			t.Errorf("%s: no error", in)
		}
	}
	if got, err := parseReasonCodes(""); err != nil || got != nil {
		t.Errorf("empty: %v %v", got, err)
	}
}

// Every reject reason cleanse writes has a label in both languages (the
// summary's data quality block and held files name them).
func TestRejectReasonLabels(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../sql/0020_cleanse.sql")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	end := strings.Index(src, "END AS reason")
	start := strings.LastIndex(src[:max(end, 0)], "CASE")
	if end < 0 || start < 0 {
		t.Fatal("no CASE ... END AS reason in 0020_cleanse.sql")
	}
	codes := []string{"duplicate", "file_held"}
	for _, m := range regexp.MustCompile(`THEN '([a-z_]+)'`).FindAllStringSubmatch(src[start:end], -1) {
		codes = append(codes, m[1])
	}
	if len(codes) < 20 {
		t.Fatalf("found %d reject reasons, want the 20 or so of cleanse", len(codes))
	}
	for lang, words := range dictionaries {
		for _, c := range codes {
			if _, ok := words["reject."+c]; !ok {
				t.Errorf("%s: no label for reject reason %s", lang, c)
			}
		}
	}
}
