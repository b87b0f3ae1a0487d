package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/pipeline"
)

// guardConfig is a workspace of two distributors with the same simple
// layout: "good" always sends a clean file, "dist" is the one under test.
const guardConfig = `workspace: .
output: out
distributors:
  - id: dist
    columns: {invoice_id: invoice, invoice_date: date, reseller_name: customer, sku: sku, quantity: qty, amount: amount}
  - id: good
    columns: {invoice_id: invoice, invoice_date: date, reseller_name: customer, sku: sku, quantity: qty, amount: amount}
`

// feed is one month's file of a distributor: ok good lines then bad lines
// (an amount that is not a number); header only when both are zero.
type feed struct {
	period, distributor string
	ok, bad             int
	name                string // default sales.csv
}

func (f feed) rel() string {
	if f.name == "" {
		f.name = "sales.csv"
	}
	return "feeds/" + f.period + "/" + f.distributor + "/" + f.name
}

func (f feed) text() string {
	var b strings.Builder
	b.WriteString("invoice,date,customer,sku,qty,amount\n")
	for i := range f.ok + f.bad {
		amount := "10.00"
		if i >= f.ok {
			amount = "n/a"
		}
		fmt.Fprintf(&b, "%s-%s-%s%d,%s-%02d,Client %d,A1,1,%s\n", f.distributor, f.period, f.name, i, f.period, 1+i%28, i%7, amount)
	}
	return b.String()
}

// guardWorkspace writes the config, the reference files and the feeds.
func guardWorkspace(t *testing.T, feeds []feed) string {
	t.Helper()
	dir := t.TempDir()
	if err := writeGuardWorkspace(dir, feeds); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeGuardWorkspace(dir string, feeds []feed) error {
	files := map[string]string{
		"cs.yaml":                   guardConfig,
		"reference/products.csv":    "sku,family,description,list_price,launch_date\nA1,toner,Toner,10.00,2020-01-01\n",
		"reference/partners.csv":    "partner_id,legal_name,trade_name,siren,siret,vat_id,address,postcode,city\nP1,Client 1 SAS,,,,,,,\n",
		"reference/sku_aliases.csv": "distributor,distributor_sku,sku\n",
		"reference/fx_rates.csv":    "month,currency,rate\n",
	}
	for _, f := range feeds {
		files[f.rel()] = f.text()
	}
	for rel, text := range files {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// guardHistory is a guard workspace whose six months 2025-01..06 of 30
// clean lines each distributor are published, built once for the tests
// that add a July to it (each on its own copy).
func guardHistory(t *testing.T) string {
	t.Helper()
	return shared.Dir(t, "guard-history", func(dir string) error {
		if err := writeGuardWorkspace(dir, months(30, "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06")); err != nil {
			return err
		}
		ms, err := runConfig(filepath.Join(dir, "cs.yaml"), 6)
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		for _, m := range ms {
			if m.Status != pipeline.StatusSuccess {
				return fmt.Errorf("history %s: status %s, held %+v", m.Period, m.Status, m.HeldFiles)
			}
		}
		return nil
	})
}

// months gives both distributors a clean file of n lines for each period.
func months(n int, periods ...string) []feed {
	var out []feed
	for _, p := range periods {
		out = append(out, feed{p, "dist", n, 0, ""}, feed{p, "good", n, 0, ""})
	}
	return out
}

// TestGuard runs months where dist's last file is broken as a whole (or
// not quite) and checks what is held, the status, what reaches sales_out,
// and that every line is accounted for.
func TestGuard(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		feeds []feed // the last period is the one checked, its dist file the one under test
		// history: feeds come on top of a copy of guardHistory (six
		// published months of 30 lines each), and only they run.
		history bool
		accept  bool // accept dist's file of the last period
		status  pipeline.Status
		reason  string // held_files.reason of dist's file, "" when not held
		detail  string
		sales   int64 // sales_out lines of the last period
	}{
		{name: "garbage file", feeds: []feed{{"2025-07", "dist", 5, 25, ""}, {"2025-07", "good", 30, 0, ""}},
			status: pipeline.StatusPartial, reason: "reject_rate",
			detail: "25 of 30 sale lines rejected (83.3%, above the 20.0% allowed)", sales: 30},
		{name: "garbage file accepted", feeds: []feed{{"2025-07", "dist", 5, 25, ""}, {"2025-07", "good", 30, 0, ""}}, accept: true,
			status: pipeline.StatusSuccess, sales: 35},
		{name: "rate at the threshold", feeds: []feed{{"2025-07", "dist", 24, 6, ""}, {"2025-07", "good", 30, 0, ""}},
			status: pipeline.StatusSuccess, sales: 54},
		{name: "small file with rejects", feeds: []feed{{"2025-07", "dist", 3, 2, ""}, {"2025-07", "good", 30, 0, ""}},
			status: pipeline.StatusSuccess, sales: 33},
		{name: "small file all rejected", feeds: []feed{{"2025-07", "dist", 0, 4, ""}, {"2025-07", "good", 30, 0, ""}},
			status: pipeline.StatusPartial, reason: "reject_rate",
			detail: "4 of 4 sale lines rejected (100.0%, above the 20.0% allowed)", sales: 30},
		{name: "header only", feeds: []feed{{"2025-07", "dist", 0, 0, ""}, {"2025-07", "good", 30, 0, ""}},
			status: pipeline.StatusPartial, reason: "header_only", detail: "a header but no sale line", sales: 30},
		{name: "volume collapse", history: true, feeds: []feed{{"2025-07", "dist", 8, 0, ""}, {"2025-07", "good", 30, 0, ""}},
			status: pipeline.StatusPartial, reason: "volume_collapse",
			detail: "dist sent 8 lines this month against a median of 30.0 over its last 6 published month(s) (26.7%, under the 30.0% expected)", sales: 30},
		{name: "a small second file in a normal month", feeds: append(months(30, "2025-01", "2025-02"),
			feed{"2025-03", "good", 30, 0, ""}, feed{"2025-03", "dist", 3, 0, "corrections.csv"}, feed{"2025-03", "dist", 30, 0, ""}),
			status: pipeline.StatusSuccess, sales: 63},
		{name: "volume down but above the ratio", history: true, feeds: []feed{{"2025-07", "dist", 10, 0, ""}, {"2025-07", "good", 30, 0, ""}},
			status: pipeline.StatusSuccess, sales: 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var dir string
			if tt.history {
				dir = fixture.Copy(t, guardHistory(t))
				if err := writeGuardWorkspace(dir, tt.feeds); err != nil {
					t.Fatal(err)
				}
			} else {
				dir = guardWorkspace(t, tt.feeds)
			}
			p := newPipeline(t, filepath.Join(dir, "cs.yaml"))
			last := tt.feeds[len(tt.feeds)-1]
			for _, f := range tt.feeds {
				if f.period == last.period && f.distributor == "dist" {
					last = f // the file under test
				}
			}
			opts := pipeline.RunOptions{}
			if tt.accept {
				opts.AcceptFiles = []string{feed{period: last.period, distributor: "dist"}.rel()}
			}
			ms, err := p.Run(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if tt.history && len(ms) != 1 {
				t.Fatalf("on the published history, %d periods ran, want July alone", len(ms))
			}
			for _, m := range ms[:len(ms)-1] {
				if m.Status != pipeline.StatusSuccess {
					t.Errorf("history %s: status %s, held %+v", m.Period, m.Status, m.HeldFiles)
				}
			}
			m := ms[len(ms)-1]
			if m.Period != last.period || m.Status != tt.status {
				t.Fatalf("%s: status %s, want %s of %s (held %+v)", m.Period, m.Status, tt.status, last.period, m.HeldFiles)
			}
			distFile := feed{period: last.period, distributor: "dist"}.rel()
			switch {
			case tt.reason == "" && len(m.HeldFiles) > 0:
				t.Errorf("held %+v, want nothing", m.HeldFiles)
			case tt.reason != "":
				if len(m.HeldFiles) != 1 || m.HeldFiles[0].SourceFile != distFile || m.HeldFiles[0].Reason != tt.reason || m.HeldFiles[0].Detail != tt.detail {
					t.Errorf("held %+v, want %s %s: %s", m.HeldFiles, distFile, tt.reason, tt.detail)
				}
			}
			if tt.accept {
				if len(m.AcceptedFiles) != 1 || m.AcceptedFiles[0].SourceFile != distFile || m.AcceptedFiles[0].Reason != "reject_rate" {
					t.Errorf("accepted files %+v, want %s recorded as held but accepted", m.AcceptedFiles, distFile)
				}
			}
			// The manifest on disk says it too.
			data, err := os.ReadFile(filepath.Join(dir, "out", "runs", m.Period, m.RunID, "manifest.json"))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{`"status": "` + string(tt.status) + `"`, `"held_files": [`} {
				if !strings.Contains(string(data), want) {
					t.Errorf("manifest lacks %s", want)
				}
			}
			if tt.accept && !strings.Contains(string(data), `"accepted_files": [`) {
				t.Error("manifest lacks accepted_files")
			}
			if got := m.Tables["sales_out"]; got != tt.sales {
				t.Errorf("sales_out %d lines, want %d", got, tt.sales)
			}
			// Nothing lost: every line of every file in sales_out or rejects.
			for _, r := range m.Files {
				if !r.Balanced || r.DataLines != r.SalesOut+r.Rejects {
					t.Errorf("%s: not balanced: %+v", r.SourceFile, r)
				}
			}
			part := filepath.Join(dir, "out", "parquet")
			held := query(t, `SELECT count(*) FROM read_parquet(? || '/held_files/period=`+last.period+`/*.parquet')`, part)
			if want := map[bool]string{true: "1", false: "0"}[tt.reason != ""]; held != "count_star()\n"+want+"\n" {
				t.Errorf("held_files partition: %q, want %s row(s)", held, want)
			}
			if tt.reason == "" || tt.reason == "header_only" {
				return
			}
			// The held file's lines are rejects file_held, the original reason
			// (or ok) leading the detail; none of them is in sales_out.
			got := query(t, `SELECT split_part(detail, ':', 1) AS was, count(*) AS n
FROM read_parquet(? || '/rejects/period=`+last.period+`/*.parquet')
WHERE source_file = ? AND reason = 'file_held' GROUP BY ALL ORDER BY ALL`, part, distFile)
			want := "was|n\n"
			if last.bad > 0 {
				want += fmt.Sprintf("bad_amount|%d\n", last.bad)
			}
			if last.ok > 0 {
				want += fmt.Sprintf("ok|%d\n", last.ok)
			}
			if got != want {
				t.Errorf("held lines in rejects:\n%swant\n%s", got, want)
			}
			if n := query(t, `SELECT count(*) AS n FROM read_parquet(? || '/sales_out/period=`+last.period+`/*.parquet') WHERE source_file = ?`, part, distFile); n != "n\n0\n" {
				t.Errorf("held file in sales_out: %s", n)
			}
			// The scorecard says it too.
			card := query(t, `SELECT held_files, held_lines FROM read_parquet(? || '/distributor_scorecard/period=`+last.period+`/*.parquet') WHERE distributor = 'dist'`, part)
			if want := fmt.Sprintf("held_files|held_lines\n1|%d\n", last.ok+last.bad); card != want {
				t.Errorf("scorecard: %s, want %s", card, want)
			}
		})
	}
}
