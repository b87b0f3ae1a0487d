package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	channelscope "github.com/channelscope/channelscope"
	"github.com/channelscope/channelscope/config"
	"github.com/channelscope/channelscope/internal/fixture"

	"github.com/channelscope/channelscope/pipeline"
	"github.com/channelscope/channelscope/synth"
)

// TestGeneratedAgainstTruth runs a generated workspace and checks every
// feed line against the generator's ground truth: good lines in sales_out,
// defective ones in rejects with the defect as reason, none twice, none
// lost; the planted stock episodes and price exceptions flagged; the
// resellers matched to the truth. One seed of three months (the fewest
// that plant both stock episodes: seed 13 does), run through the channel
// stage, the last whose results these checks read; the sample (seed 1, 24
// months, every stage: TestSample/Workspace) is checked the same way, and
// TestSample/HistoryUnderOddOutputNames reruns its last period to prove a rerun
// publishes the same rows.
func TestGeneratedAgainstTruth(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates and runs a workspace")
	}
	const seed = 13
	dir := t.TempDir()
	if _, err := synth.Generate(dir, synth.Options{Seed: seed, Partners: 250, Months: 3, Lines: 600, End: "2026-10"}); err != nil {
		t.Fatal(err)
	}
	p := newPipelineThrough(t, filepath.Join(dir, "channelscope.yaml"), "0040_channel")
	ms, err := p.Run(context.Background(), pipeline.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 3 {
		t.Fatalf("ran %d periods, want 3", len(ms))
	}
	for _, m := range ms {
		for _, f := range m.Files {
			if !f.Balanced {
				t.Errorf("manifest of %s: %s not balanced: %+v", m.Period, f.SourceFile, f)
			}
		}
	}
	lake := filepath.Join(dir, "out", "parquet")
	checkTruth(t, dir, lake)
	checkChannelTruth(t, dir, lake)
	pl, rl, pa, ra := matchQuality(t, dir, lake)
	t.Logf("seed %d: match precision %.4f recall %.4f by lines; precision %.4f recall %.4f by amount", seed, pl, rl, pa, ra)
	if pl < 0.995 || pa < 0.995 || rl < 0.98 || ra < 0.98 {
		t.Errorf("match quality below target (precision >= 0.995, recall >= 0.98)")
	}
}

// checkTruth compares the lake with the workspace's truth/lines.csv: every
// line with an empty defect in sales_out, every other one in rejects with
// the defect as its reason, none twice, none lost, none invented.
func checkTruth(t *testing.T, workspace, lake string) {
	t.Helper()
	truth := filepath.Join(workspace, "truth", "lines.csv")
	const outcome = `
WITH truth AS (
  SELECT source_file, CAST(source_line AS INTEGER) AS source_line, coalesce(defect, '') AS defect
  FROM read_csv(?, all_varchar = true, header = true)
), got AS (
  SELECT source_file, source_line, '' AS reason FROM read_parquet(? || '/sales_out/*/*.parquet')
  UNION ALL
  SELECT source_file, source_line, reason FROM read_parquet(? || '/rejects/*/*.parquet')
)
SELECT coalesce(t.defect, '(not in truth)') AS defect, coalesce(g.reason, '(lost)') AS reason, count(*) AS lines
FROM truth t FULL JOIN got g USING (source_file, source_line)
GROUP BY ALL ORDER BY ALL`
	table := query(t, outcome, truth, lake, lake)
	t.Logf("truth defect -> pipeline outcome (empty = sales_out):\n%s", table)
	for _, row := range strings.Split(strings.TrimSpace(table), "\n")[1:] {
		f := strings.Split(row, "|")
		if f[0] != f[1] {
			t.Errorf("%s lines with defect %q ended as %q", f[2], f[0], f[1])
		}
	}
	twice := query(t, `SELECT count(*) AS n FROM (
  SELECT source_file, source_line FROM (
    SELECT source_file, source_line FROM read_parquet(? || '/sales_out/*/*.parquet')
    UNION ALL SELECT source_file, source_line FROM read_parquet(? || '/rejects/*/*.parquet'))
  GROUP BY ALL HAVING count(*) > 1)`, lake, lake)
	if twice != "n\n0\n" {
		t.Errorf("lines published twice:\n%s", twice)
	}

}

// sampleLake is the committed sample run through the default
// configuration, every period published once for the package's tests
// (the sample's 24 months are the costliest fixture of the suite: the
// outlook tests read it too). Tests only read it.
func sampleLake(t *testing.T) *config.Config {
	t.Helper()
	load := func(out string) (*config.Config, error) {
		cfg, err := config.Load("../config/channelscope.yaml")
		if err != nil {
			return nil, err
		}
		cfg.Output = out
		cfg.DuckDB.Threads = fixture.DuckDBThreads
		return cfg, nil
	}
	dir := shared.Dir(t, "sample", func(dir string) error {
		cfg, err := load(dir)
		if err != nil {
			return err
		}
		p, err := pipeline.New(cfg, channelscope.Stages(), pipeline.Options{})
		if err != nil {
			return err
		}
		ms, err := p.Run(context.Background(), pipeline.RunOptions{})
		if err != nil {
			return err
		}
		if len(ms) != 24 {
			return fmt.Errorf("ran %d periods, want 24", len(ms))
		}
		return nil
	})
	cfg, err := load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// sampleCopy copies the sample's published lake (sampleLake) into a folder
// named out, in a fresh temporary folder, and returns the configuration
// over the copy: a test reruns a period of it instead of building months
// of history of its own. With ownWorkspace the workspace is copied too,
// for a test that changes an input; otherwise runs read the committed
// sample, which they never write.
func sampleCopy(t *testing.T, out string, ownWorkspace bool) *config.Config {
	t.Helper()
	cfg := sampleLake(t)
	base := t.TempDir()
	dst := filepath.Join(base, out)
	if err := os.CopyFS(dst, os.DirFS(cfg.Output)); err != nil {
		t.Fatalf("copy the sample's lake: %v", err)
	}
	cfg.Output = dst
	if ownWorkspace {
		ws := filepath.Join(base, "workspace")
		if err := os.CopyFS(ws, os.DirFS(cfg.Workspace)); err != nil {
			t.Fatalf("copy the sample's workspace: %v", err)
		}
		cfg.Workspace = ws
	}
	return cfg
}

// TestSample builds the sample's lake once (sampleLake: its 24 periods, a
// run of every stage) and then runs each check of it as a parallel
// subtest. The checks are subtests, not tests of their own, because a
// parallel test waiting for the build holds one of the -parallel slots
// (GOMAXPROCS, two here): two of them waiting stopped every other test of
// the package for the build's whole length.
func TestSample(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs 24 periods")
	}
	sampleLake(t)
	for _, c := range []struct {
		name  string
		check func(*testing.T)
	}{
		{"Workspace", sampleWorkspace},
		{"PartnerMonthsReconcile", samplePartnerMonthsReconcile},
		{"LakeShapes", sampleLakeShapes},
		{"OutlookFindsChurners", sampleOutlookFindsChurners},
		{"OutlookPublished", sampleOutlookPublished},
		{"HistoryUnderOddOutputNames", sampleHistoryUnderOddOutputNames},
		{"RestatementsOfOneChangedAmount", sampleRestatementsOfOneChangedAmount},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.check(t)
		})
	}
}

// sampleWorkspace: every period of the committed sample runs through the
// default configuration, and its lake holds what the generator's truth
// says.
func sampleWorkspace(t *testing.T) {
	cfg, err := config.Load("../config/channelscope.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sample, err := config.Load("../testdata/sample/channelscope.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg.Distributors, sample.Distributors) || cfg.Workspace != sample.Workspace {
		t.Fatal("config/channelscope.yaml and testdata/sample/channelscope.yaml disagree on the workspace or its distributors")
	}
	cfg = sampleLake(t)
	p, err := pipeline.New(cfg, channelscope.Stages(), pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The sample is the third seed of TestGeneratedAgainstTruth: the same
	// checks against its truth, and the same match quality.
	checkTruth(t, cfg.Workspace, filepath.Join(cfg.Output, "parquet"))
	checkChannelTruth(t, cfg.Workspace, filepath.Join(cfg.Output, "parquet"))
	pl, rl, pa, ra := matchQuality(t, cfg.Workspace, filepath.Join(cfg.Output, "parquet"))
	t.Logf("match precision %.4f recall %.4f by lines; precision %.4f recall %.4f by amount", pl, rl, pa, ra)
	if pl < 0.995 || pa < 0.995 || rl < 0.98 || ra < 0.98 {
		t.Errorf("match quality below target (precision >= 0.995, recall >= 0.98)")
	}
	lake := filepath.Join(cfg.Output, "parquet")
	// Every table of the contract is published for every period.
	for _, table := range []string{"sales_out", "rejects", "reseller_matches", "match_review", "unknown_resellers",
		"match_memory", "distributor_scorecard", "channel_inventory", "product_launches", "partner_scores", "kpis",
		"region_coverage", "recruitment_targets"} {
		files, _ := filepath.Glob(filepath.Join(lake, table, "period=*", "part-0.parquet"))
		if len(files) != 24 {
			t.Errorf("%s: %d periods published, want 24", table, len(files))
		}
	}
	// The generated behaviours populate every class and plan.
	classes := query(t, `SELECT string_agg(DISTINCT v, ' ' ORDER BY v) AS present FROM (
  SELECT unnest([loyalty, supplier_status, mode, plan, coverage_model]) AS v
  FROM read_parquet(? || '/partner_scores/period=2026-10/*.parquet')) WHERE v IS NOT NULL`, lake)
	want := "cruise development field inactive loyal occasional opportunistic opportunity prospecting prospection retention strategic support telesales"
	if got := strings.TrimSpace(strings.Split(classes, "\n")[1]); got != want {
		t.Errorf("classes and plans present in 2026-10:\n got %s\nwant %s", got, want)
	}
	// Every department has a row every period; every flag shows in the latest.
	coverage := query(t, `SELECT count(DISTINCT period) AS periods, min(n) AS min_departments, max(n) AS max_departments FROM (
  SELECT period, count(*) AS n FROM read_parquet(? || '/region_coverage/*/*.parquet', hive_partitioning = false)
  WHERE level = 'department' GROUP BY period)`, lake)
	if coverage != "periods|min_departments|max_departments\n24|101|101\n" {
		t.Errorf("department rows per period:\n%s", coverage)
	}
	flags := query(t, `SELECT string_agg(DISTINCT coverage_flag, ' ' ORDER BY coverage_flag) AS flags
FROM read_parquet(? || '/region_coverage/period=2026-10/*.parquet') WHERE level = 'department'`, lake)
	if flags != "flags\nbalanced over uncovered under\n" {
		t.Errorf("coverage flags in 2026-10:\n%s", flags)
	}
	if due, err := p.Plan(); err != nil || len(due) != 0 {
		t.Errorf("after a full run, due: %v %v", due, err)
	}
}

// matchQuality compares the partner_id of every sales_out line with the
// truth, by lines and by amount, and logs the confusion.
func matchQuality(t *testing.T, workspace, lake string) (precLines, recLines, precAmount, recAmount float64) {
	t.Helper()
	truth := filepath.Join(workspace, "truth", "lines.csv")
	db := openDB(t)
	q := `
WITH truth AS (
  SELECT source_file, CAST(source_line AS INTEGER) AS source_line, nullif(partner_id, '') AS true_id
  FROM read_csv(?, all_varchar = true, header = true) WHERE coalesce(defect, '') = ''
), j AS (
  SELECT t.true_id, s.partner_id, abs(s.amount) AS amount, s.match_method
  FROM truth t JOIN read_parquet(? || '/sales_out/*/*.parquet') s USING (source_file, source_line)
)
SELECT count(*) FILTER (WHERE partner_id IS NOT NULL),
       count(*) FILTER (WHERE partner_id = true_id),
       count(*) FILTER (WHERE true_id IS NOT NULL),
       coalesce(sum(amount) FILTER (WHERE partner_id IS NOT NULL), 0),
       coalesce(sum(amount) FILTER (WHERE partner_id = true_id), 0),
       coalesce(sum(amount) FILTER (WHERE true_id IS NOT NULL), 0)
FROM j`
	var assigned, correct, truePos int64
	var aAssigned, aCorrect, aTrue float64
	if err := db.QueryRow(q, truth, lake).Scan(&assigned, &correct, &truePos, &aAssigned, &aCorrect, &aTrue); err != nil {
		t.Fatal(err)
	}
	t.Logf("match methods x outcome:\n%s", query(t, `
WITH truth AS (
  SELECT source_file, CAST(source_line AS INTEGER) AS source_line, nullif(partner_id, '') AS true_id
  FROM read_csv(?, all_varchar = true, header = true) WHERE coalesce(defect, '') = '')
SELECT s.match_method, CASE WHEN s.partner_id = t.true_id THEN 'right' WHEN s.partner_id IS NULL AND t.true_id IS NULL THEN 'right (not in master)'
  WHEN s.partner_id IS NULL THEN 'missed' WHEN t.true_id IS NULL THEN 'wrong (not in master)' ELSE 'wrong partner' END AS outcome, count(*) AS lines
FROM truth t JOIN read_parquet(? || '/sales_out/*/*.parquet') s USING (source_file, source_line) GROUP BY ALL ORDER BY ALL`, truth, lake))
	return float64(correct) / float64(assigned), float64(correct) / float64(truePos), aCorrect / aAssigned, aCorrect / aTrue
}
