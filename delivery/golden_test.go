package delivery

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/pipeline"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// goldenFacts is a restated October with every kind of news.
func goldenFacts() *facts {
	return &facts{
		period: "2026-10",
		m: &pipeline.Manifest{RunID: "20261116T060000.000Z-bbbbbb", PreviousRunID: "20261105T060000.000Z-aaaaaa",
			Rejects: map[string]int64{"duplicate": 12, "bad_date": 3, "unknown_sku": 3},
			Changes: &pipeline.Changes{InputsAdded: []string{"feeds/2026-10/xlsupply/late.xlsx"}}},
		kpis: map[string]float64{"revenue_period": 812345.4, "revenue_t12m": 9876543.2, "active_partners": 1234},
		prev: map[string]float64{"revenue_period": 790000, "revenue_t12m": 9800000, "active_partners": 1240},
		regions: map[string]region{"11": {name: "Île-de-France", flag: "under", active: 210, revenueT12m: 2345678.9,
			share: 0.1234, hasShare: true, partners: []string{"P1", "P2"}}},
		reviewQueue: 17, unknown: 9, unknownAmt: 23456.7,
		held:    []string{"feeds/2026-10/nordis/broken.csv (most lines rejected)"},
		missing: []string{"alpinet"},
		moved:   &moved{partners: 2, distributors: 1, rows: 5},
	}
}

// TestMessagesGolden writes the three kinds of message, in English and
// French, first publication or correction, and compares them with
// testdata/messages.<lang>.golden (go test ./delivery -run Golden -update).
func TestMessagesGolden(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	dir := filepath.Join(out, "reports", "2026-10")
	for _, rel := range []string{"summary.pdf", "regions/11.pdf", "partners/P1.pdf", "partners/P2.pdf"} {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("%PDF-1.4 "+rel), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, code := range []string{"en", "fr"} {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			s, err := New(Settings{DuckDBThreads: fixture.DuckDBThreads, Output: out, Email: config.Email{Language: code, MaxAttachmentBytes: 10 << 20,
				Recipients: config.Recipients{Management: []string{"m@example.com"}, Stewards: []string{"s@example.com"},
					Regions: map[string]config.RegionRecipients{"11": {To: []string{"r@example.com"}, PartnerPages: true}}}}})
			if err != nil {
				t.Fatal(err)
			}
			f := goldenFacts()
			msgs, err := s.plan(f)
			if err != nil {
				t.Fatal(err)
			}
			l, _ := newLang(code, "EUR")
			var b strings.Builder
			for i, m := range msgs {
				if m.err != nil {
					t.Fatalf("%s: %v", m.group, m.err)
				}
				if i == 1 { // the region's mail corrects an earlier one
					m.correction, m.prevSentAt = true, time.Date(2026, 11, 5, 6, 30, 0, 0, time.UTC)
				}
				if err := s.compose(l, f, m); err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, a := range m.attach {
					names = append(names, a.name)
				}
				b.WriteString("To: " + strings.Join(m.to, ", ") + "\nSubject: " + m.subject +
					"\nAttachments: " + strings.Join(names, ", ") + "\n\n" + m.body + "\n========\n")
			}
			golden := filepath.Join("testdata", "messages."+code+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if b.String() != string(want) {
				t.Errorf("messages differ from %s (run with -update after checking):\n%s", golden, b.String())
			}
		})
	}
}
