package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	// imported as cslake: this package's own lake type reads one period
	cslake "github.com/channelscope/channelscope/lake"
	_ "github.com/duckdb/duckdb-go/v2" // the lake is read with DuckDB
)

// Partner is what a partner page shows.
type Partner struct {
	ID, Name, Region, RegionName, Department, DepartmentName string
	Typology, Profile, Loyalty, Status, Mode, Plan, Coverage string
	PotentialSource, Reasons                                 string
	RevenuePeriod, RevenueT12m                               float64
	Growth, Share, Attainable, Opportunity, Potential        *float64
	RankNational, RankRegion                                 *int64
	Months, CompetingBrands                                  int
	Brands                                                   []string
	Monthly                                                  [24]float64 // oldest first, the period last
	Families                                                 []Share
	Median                                                   ProfileMedian
	Targeted                                                 bool
}

// Share is a part of a whole, for a mix.
type Share struct {
	Name  string
	Value float64
}

// ProfileMedian is the median active partner of a profile.
type ProfileMedian struct {
	RevenueT12m, Months float64
	Share               *float64
}

// lake reads the published tables of one period.
type lake struct {
	db     *sql.DB
	lake   *cslake.Lake
	period string
	start  time.Time
}

// required are the tables of the period every report reads: a period
// lacking one fails before anything is drawn, naming it.
var required = []string{"partner_scores", "recruitment_targets", "region_coverage", "kpis", "distributor_scorecard", "rejects", "sales_out"}

func openLake(lk *cslake.Lake, period string) (*lake, error) {
	start, err := cslake.ParsePeriod(period)
	if err != nil {
		return nil, err
	}
	for _, t := range required {
		if _, err := lk.Files(t, period); err != nil {
			return nil, fmt.Errorf("%w: run the period first", err)
		}
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	return &lake{db: db, lake: lk, period: period, start: start}, nil
}

func (l *lake) Close() error { return l.db.Close() }

// table is a SQL relation reading table t of the given period. An earlier
// period never published reads as empty, with the shape of the report's
// period; a table the report's period lacks fails the query, saying so.
func (l *lake) table(t, period string) string {
	scan, err := l.lake.Scan(t, period)
	if err == nil {
		return scan
	}
	if period != l.period {
		if cur, cerr := l.lake.Scan(t, l.period); cerr == nil {
			return "(SELECT * FROM " + cur + " WHERE false)"
		}
	}
	// a table function's argument is evaluated while binding, before the
	// query's columns are: the error comes first, in these words
	return "range(CAST(error(" + quote(err.Error()) + ") AS BIGINT))"
}

// history reads table t over the months before and including the period.
func (l *lake) history(t string, months int) string {
	files, err := l.lake.Window(t, l.month(months-1), l.period)
	if err != nil || len(files) == 0 {
		return l.table(t, l.period)
	}
	return cslake.ReadParquet(files)
}

func (l *lake) month(ago int) string { return l.start.AddDate(0, -ago, 0).Format("2006-01") }

func quote(s string) string { return cslake.Quote(s) }

// partners loads every partner that gets a page: active in the last 12
// months, or given a plan, or a recruitment target. brandsFile is the
// partner master, for the names of the brands carried (optional).
func (l *lake) partners(ctx context.Context, brandsFile string, only string) ([]*Partner, error) {
	brands := "(SELECT NULL::VARCHAR AS partner_id, NULL::VARCHAR AS brands WHERE false)"
	if _, err := os.Stat(brandsFile); err == nil {
		// brands is optional in the master: union by name gives NULL without it
		brands = "(SELECT partner_id, brands FROM (SELECT NULL::VARCHAR AS partner_id, NULL::VARCHAR AS brands WHERE false " +
			"UNION ALL BY NAME SELECT * FROM read_csv(" + quote(brandsFile) + ", header = true, all_varchar = true)))"
	}
	q := `
WITH s AS (SELECT * FROM ` + l.table("partner_scores", l.period) + `),
t AS (SELECT DISTINCT partner_id FROM ` + l.table("recruitment_targets", l.period) + ` WHERE partner_id IS NOT NULL)
SELECT s.partner_id, s.name, coalesce(s.region, ''), coalesce(s.region_name, ''), coalesce(s.department, ''),
       coalesce(s.department_name, ''), coalesce(s.typology, ''), coalesce(s.profile, ''), s.loyalty,
       coalesce(s.supplier_status, ''), s.mode, coalesce(s.plan, ''), s.coverage_model, s.potential_source, s.reasons,
       CAST(s.revenue_period AS DOUBLE), CAST(s.revenue_t12m AS DOUBLE), s.growth_yoy, s.share_of_wallet,
       s.attainable_share, s.opportunity, s.potential, s.rank_national, s.rank_region, s.months_active_t12m,
       s.competing_brands, coalesce(b.brands, ''), t.partner_id IS NOT NULL
FROM s LEFT JOIN t USING (partner_id) LEFT JOIN ` + brands + ` b USING (partner_id)
WHERE (s.revenue_t12m > 0 OR s.plan IS NOT NULL OR t.partner_id IS NOT NULL) AND (? = '' OR s.partner_id = ?)
ORDER BY s.partner_id`
	rows, err := l.db.QueryContext(ctx, q, only, only)
	if err != nil {
		return nil, fmt.Errorf("read partner_scores: %w", err)
	}
	defer rows.Close()
	var out []*Partner
	byID := map[string]*Partner{}
	for rows.Next() {
		p := &Partner{}
		var brandList string
		if err := rows.Scan(&p.ID, &p.Name, &p.Region, &p.RegionName, &p.Department, &p.DepartmentName, &p.Typology,
			&p.Profile, &p.Loyalty, &p.Status, &p.Mode, &p.Plan, &p.Coverage, &p.PotentialSource, &p.Reasons,
			&p.RevenuePeriod, &p.RevenueT12m, &p.Growth, &p.Share, &p.Attainable, &p.Opportunity, &p.Potential,
			&p.RankNational, &p.RankRegion, &p.Months, &p.CompetingBrands, &brandList, &p.Targeted); err != nil {
			return nil, err
		}
		for _, b := range strings.Split(brandList, "|") {
			if b = strings.TrimSpace(b); b != "" {
				p.Brands = append(p.Brands, b)
			}
		}
		out = append(out, p)
		byID[p.ID] = p
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if only != "" && len(out) == 0 {
		return nil, fmt.Errorf("partner %q: no page for %s (not in partner_scores, or neither active, planned nor targeted)", only, l.period)
	}
	if err := l.monthly(ctx, byID); err != nil {
		return nil, err
	}
	if err := l.families(ctx, byID); err != nil {
		return nil, err
	}
	return out, l.medians(ctx, out)
}

// monthly fills each partner's 24 months of net sales-out.
func (l *lake) monthly(ctx context.Context, byID map[string]*Partner) error {
	rows, err := l.db.QueryContext(ctx, `SELECT partner_id, period, CAST(sum(amount) AS DOUBLE)
FROM `+l.history("sales_out", 24)+` WHERE partner_id IS NOT NULL GROUP BY ALL`)
	if err != nil {
		return fmt.Errorf("read sales_out history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, period string
		var v float64
		if err := rows.Scan(&id, &period, &v); err != nil {
			return err
		}
		p := byID[id]
		t, err := time.Parse("2006-01", period)
		if p == nil || err != nil {
			continue
		}
		ago := (l.start.Year()-t.Year())*12 + int(l.start.Month()-t.Month())
		if ago >= 0 && ago < 24 {
			p.Monthly[23-ago] = v
		}
	}
	return rows.Err()
}

// families fills the product family mix of the last 12 months.
func (l *lake) families(ctx context.Context, byID map[string]*Partner) error {
	rows, err := l.db.QueryContext(ctx, `SELECT partner_id, coalesce(product_family, '?'), CAST(sum(amount) AS DOUBLE) AS v
FROM `+l.history("sales_out", 12)+` WHERE partner_id IS NOT NULL GROUP BY ALL HAVING sum(amount) > 0
ORDER BY partner_id, v DESC, 2`)
	if err != nil {
		return fmt.Errorf("read family mix: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var s Share
		if err := rows.Scan(&id, &s.Name, &s.Value); err != nil {
			return err
		}
		if p := byID[id]; p != nil {
			p.Families = append(p.Families, s)
		}
	}
	return rows.Err()
}

// medians gives each partner the median active partner of its profile.
func (l *lake) medians(ctx context.Context, ps []*Partner) error {
	rows, err := l.db.QueryContext(ctx, `SELECT profile, median(CAST(revenue_t12m AS DOUBLE)), median(months_active_t12m),
       median(share_of_wallet)
FROM `+l.table("partner_scores", l.period)+` WHERE revenue_t12m > 0 GROUP BY profile`)
	if err != nil {
		return fmt.Errorf("read profile medians: %w", err)
	}
	defer rows.Close()
	med := map[string]ProfileMedian{}
	for rows.Next() {
		var profile sql.NullString
		var m ProfileMedian
		if err := rows.Scan(&profile, &m.RevenueT12m, &m.Months, &m.Share); err != nil {
			return err
		}
		med[profile.String] = m
	}
	for _, p := range ps {
		p.Median = med[p.Profile]
	}
	return rows.Err()
}

// rowsOf runs q and returns every row as strings and float pointers, for
// the tables of the region and summary reports.
func (l *lake) rowsOf(ctx context.Context, q string, args ...any) ([][]any, error) {
	rows, err := l.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, vals)
	}
	return out, errors.Join(rows.Err())
}

// regions lists the region codes of the period's coverage.
func (l *lake) regions(ctx context.Context) ([]string, error) {
	rows, err := l.rowsOf(ctx, `SELECT DISTINCT region FROM `+l.table("region_coverage", l.period)+`
WHERE level = 'region' AND region IS NOT NULL ORDER BY region`)
	if err != nil {
		return nil, fmt.Errorf("read region_coverage: %w", err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprint(r[0]))
	}
	return out, nil
}
