package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"
	"github.com/channelscope/channelscope/pipeline"
)

// guardConfig is the guard workspace's configuration: every distributor
// (the cases' and "good", which always sends a clean file) has the same
// simple layout. The volume rule looks at the last published month only,
// so a history of two months shows that the window leaves the older out.
func guardConfig(ids []string) string {
	var b strings.Builder
	b.WriteString("workspace: .\noutput: out\nguardrails:\n  volume_history_months: 1\ndistributors:\n")
	for _, id := range ids {
		fmt.Fprintf(&b, "  - id: %s\n    columns: {invoice_id: invoice, invoice_date: date, reseller_name: customer, sku: sku, quantity: qty, amount: amount}\n", id)
	}
	return b.String()
}

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

// writeGuardFeeds writes feed files into the workspace dir.
func writeGuardFeeds(dir string, feeds []feed) error {
	files := map[string]string{}
	for _, f := range feeds {
		files[f.rel()] = f.text()
	}
	return writeTree(dir, files)
}

func writeTree(dir string, files map[string]string) error {
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

// guardCase is one distributor's July under the guard: its files, whether
// it has a published history, and what the guard must make of it.
type guardCase struct {
	name        string
	distributor string
	// history: the distributor sent 20 lines in May and 30 in June, so its
	// July is judged on volume against June's 30 (a window taking May in
	// too would give a median of 25); without it there is no yardstick.
	history bool
	files   []feed // its July files (with history: 2025-07)
	accept  bool   // accept its (first) file
	reason  string // held_files.reason of its first file, "" when nothing is held
	detail  string
	sales   int64 // its sales_out lines of July
}

// guardCases are the cases of TestGuard, one distributor each.
func guardCases() []guardCase {
	july := func(dist string, ok, bad int) []feed { return []feed{{"2025-07", dist, ok, bad, ""}} }
	return []guardCase{
		{name: "garbage file", distributor: "garbage", files: july("garbage", 5, 25), reason: "reject_rate",
			detail: "25 of 30 sale lines rejected (83.3%, above the 20.0% allowed)"},
		{name: "garbage file accepted", distributor: "accepted", files: july("accepted", 5, 25), accept: true, sales: 5},
		{name: "rate at the threshold", distributor: "threshold", files: july("threshold", 24, 6), sales: 24},
		{name: "small file with rejects", distributor: "smallrej", files: july("smallrej", 3, 2), sales: 3},
		{name: "small file all rejected", distributor: "allrej", files: july("allrej", 0, 4), reason: "reject_rate",
			detail: "4 of 4 sale lines rejected (100.0%, above the 20.0% allowed)"},
		{name: "header only", distributor: "header", files: july("header", 0, 0), reason: "header_only", detail: "a header but no sale line"},
		{name: "volume collapse", distributor: "collapse", history: true, files: july("collapse", 8, 0), reason: "volume_collapse",
			detail: "collapse sent 8 lines this month against a median of 30.0 over its last 1 published month(s) (26.7%, under the 30.0% expected)"},
		{name: "volume down but above the ratio", distributor: "down", history: true, files: july("down", 10, 0), sales: 10},
		// 3 lines alone would be a collapse: the month is judged, not the file
		{name: "a small second file in a normal month", distributor: "split", history: true,
			files: []feed{{"2025-07", "split", 3, 0, "corrections.csv"}, {"2025-07", "split", 30, 0, ""}}, sales: 33},
	}
}

// guardHistory is the guard workspace of guardCases with May and June
// published (the distributors with history, and good), built once for the
// runs of July that TestGuard makes, each on its own copy.
func guardHistory(t *testing.T) string {
	t.Helper()
	return shared.Dir(t, "guard-history", func(dir string) error {
		ids := []string{"good"}
		feeds := []feed{{"2025-05", "good", 30, 0, ""}, {"2025-06", "good", 30, 0, ""}}
		for _, c := range guardCases() {
			ids = append(ids, c.distributor)
			if c.history {
				feeds = append(feeds, feed{"2025-05", c.distributor, 20, 0, ""}, feed{"2025-06", c.distributor, 30, 0, ""})
			}
		}
		err := writeTree(dir, map[string]string{
			"cs.yaml":                   guardConfig(ids),
			"reference/products.csv":    "sku,family,description,list_price,launch_date\nA1,toner,Toner,10.00,2020-01-01\n",
			"reference/partners.csv":    "partner_id,legal_name,trade_name,siren,siret,vat_id,address,postcode,city\nP1,Client 1 SAS,,,,,,,\n",
			"reference/sku_aliases.csv": "distributor,distributor_sku,sku\n",
			"reference/fx_rates.csv":    "month,currency,rate\n",
		})
		if err == nil {
			err = writeGuardFeeds(dir, feeds)
		}
		if err != nil {
			return err
		}
		p, err := guardPipeline(filepath.Join(dir, "cs.yaml"))
		if err != nil {
			return err
		}
		ms, err := p.Run(context.Background(), pipeline.RunOptions{})
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		if len(ms) != 2 {
			return fmt.Errorf("history: ran %d periods, want 2", len(ms))
		}
		for _, m := range ms {
			if m.Status != pipeline.StatusSuccess {
				return fmt.Errorf("history %s: status %s, held %+v", m.Period, m.Status, m.HeldFiles)
			}
		}
		return nil
	})
}

// guardPipeline runs the stages through 0040_channel: the guard's volume
// history reads the published distributor_scorecard, which it writes.
func guardPipeline(cfgPath string) (*pipeline.Pipeline, error) {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, err
	}
	cfg.DuckDB.Threads = fixture.DuckDBThreads
	stages, err := fixture.StagesThrough("0040_channel")
	if err != nil {
		return nil, err
	}
	return pipeline.New(cfg, stages, pipeline.Options{})
}

// TestGuard runs a July where some distributors' files are broken as a
// whole (or not quite) and checks what is held, the status, what reaches
// sales_out, and that every line is accounted for. The cases are
// distributors of one workspace, as the guard judges each distributor's
// files alone: one run of July holds every case meant to be held (status
// partial), another publishes every other case (status success), each on a
// copy of the published May and June.
func TestGuard(t *testing.T) {
	t.Parallel()
	for _, held := range []bool{true, false} {
		name, status := "published", pipeline.StatusSuccess
		if held {
			name, status = "held", pipeline.StatusPartial
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := fixture.Copy(t, guardHistory(t))
			var cases []guardCase
			feeds := []feed{{"2025-07", "good", 30, 0, ""}}
			var opts pipeline.RunOptions
			sales := int64(30)
			for _, c := range guardCases() {
				if (c.reason != "") != held {
					continue
				}
				cases = append(cases, c)
				feeds = append(feeds, c.files...)
				if c.accept {
					opts.AcceptFiles = append(opts.AcceptFiles, c.files[0].rel())
				}
				sales += c.sales
			}
			must(t, writeGuardFeeds(dir, feeds))
			p, err := guardPipeline(filepath.Join(dir, "cs.yaml"))
			must(t, err)
			ms, err := p.Run(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != 1 {
				t.Fatalf("on the published history, %d periods ran, want July alone", len(ms))
			}
			m := ms[0]
			if m.Period != "2025-07" || m.Status != status {
				t.Fatalf("%s: status %s, want %s of 2025-07 (held %+v)", m.Period, m.Status, status, m.HeldFiles)
			}
			// The manifest on disk says it too.
			data, err := os.ReadFile(filepath.Join(dir, "out", "runs", m.Period, m.RunID, "manifest.json"))
			must(t, err)
			for _, want := range []string{`"status": "` + string(status) + `"`, `"held_files": [`} {
				if !strings.Contains(string(data), want) {
					t.Errorf("manifest lacks %s", want)
				}
			}
			if len(opts.AcceptFiles) > 0 && !strings.Contains(string(data), `"accepted_files": [`) {
				t.Error("manifest lacks accepted_files")
			}
			if len(m.AcceptedFiles) != len(opts.AcceptFiles) {
				t.Errorf("accepted files %+v, want %d", m.AcceptedFiles, len(opts.AcceptFiles))
			}
			if got := m.Tables["sales_out"]; got != sales {
				t.Errorf("sales_out %d lines, want %d", got, sales)
			}
			// Nothing lost: every line of every file in sales_out or rejects.
			for _, r := range m.Files {
				if !r.Balanced || r.DataLines != r.SalesOut+r.Rejects {
					t.Errorf("%s: not balanced: %+v", r.SourceFile, r)
				}
			}
			if want := map[bool]int{true: len(cases), false: 0}[held]; len(m.HeldFiles) != want {
				t.Errorf("held %+v, want %d file(s)", m.HeldFiles, want)
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) { checkGuardCase(t, filepath.Join(dir, "out", "parquet"), m, c) })
			}
		})
	}
}

// checkGuardCase checks what the run m of July made of the case's files:
// held or not, accepted, its sales_out lines, its held lines in rejects,
// its scorecard.
func checkGuardCase(t *testing.T, part string, m *pipeline.Manifest, c guardCase) {
	distFile := c.files[0].rel()
	var held []pipeline.HeldFile
	for _, h := range m.HeldFiles {
		if h.Distributor == c.distributor {
			held = append(held, h)
		}
	}
	switch {
	case c.reason == "" && len(held) > 0:
		t.Errorf("held %+v, want nothing", held)
	case c.reason != "":
		if len(held) != 1 || held[0].SourceFile != distFile || held[0].Reason != c.reason || held[0].Detail != c.detail {
			t.Errorf("held %+v, want %s %s: %s", held, distFile, c.reason, c.detail)
		}
	}
	if c.accept {
		i := slices.IndexFunc(m.AcceptedFiles, func(a pipeline.AcceptedFile) bool { return a.SourceFile == distFile })
		if i < 0 || m.AcceptedFiles[i].Reason != "reject_rate" {
			t.Errorf("accepted files %+v, want %s recorded as held but accepted", m.AcceptedFiles, distFile)
		}
	}
	var salesOut int64
	for _, r := range m.Files {
		if strings.HasPrefix(r.SourceFile, "feeds/2025-07/"+c.distributor+"/") {
			salesOut += r.SalesOut
		}
	}
	n := query(t, `SELECT count(*) AS n FROM read_parquet(? || '/sales_out/period=2025-07/*.parquet') WHERE distributor = ?`, part, c.distributor)
	if want := fmt.Sprintf("n\n%d\n", c.sales); salesOut != c.sales || n != want {
		t.Errorf("sales_out: %d lines in the manifest, %q in the lake, want %d", salesOut, n, c.sales)
	}
	got := query(t, `SELECT count(*) AS n FROM read_parquet(? || '/held_files/period=2025-07/*.parquet') WHERE source_file = ?`, part, distFile)
	if want := map[bool]string{true: "n\n1\n", false: "n\n0\n"}[c.reason != ""]; got != want {
		t.Errorf("held_files partition: %q, want %q", got, want)
	}
	if c.reason == "" || c.reason == "header_only" {
		return
	}
	// The held file's lines are rejects file_held, the original reason
	// (or ok) leading the detail.
	got = query(t, `SELECT split_part(detail, ':', 1) AS was, count(*) AS n
FROM read_parquet(? || '/rejects/period=2025-07/*.parquet')
WHERE source_file = ? AND reason = 'file_held' GROUP BY ALL ORDER BY ALL`, part, distFile)
	last := c.files[0]
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
	// The scorecard says it too.
	card := query(t, `SELECT held_files, held_lines FROM read_parquet(? || '/distributor_scorecard/period=2025-07/*.parquet') WHERE distributor = ?`, part, c.distributor)
	if want := fmt.Sprintf("held_files|held_lines\n1|%d\n", last.ok+last.bad); card != want {
		t.Errorf("scorecard: %s, want %s", card, want)
	}
}
