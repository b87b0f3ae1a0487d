package reports

import (
	"context"
	"database/sql"
	"fmt"
)

// regionData is everything a region report shows, fetched before drawing.
type regionData struct {
	Code        string
	Rollup      regionRollup
	Departments []departmentRow
	TopPartners []topPartnerRow
	Plans       map[string]planCount // by plan, "none" for no plan; absent plans count zero
	Targets     []targetRow
	Movements   []movementRow
	// MovementsTotal is how many partners moved, of which Movements shows
	// the largest.
	MovementsTotal int64
	// The outlook (outlook.go): loyal and occasional partners at risk, the
	// retention plan at-risk first; Outlook false when the period has none.
	Outlook   bool
	AtRisk    []atRiskRow
	Retention []retentionRow
}

// coverageFigures are the figures of a region or department row of
// region_coverage; a NULL figure is a nil pointer.
type coverageFigures struct {
	Master, Active                                  int64
	Potential, Revenue, Share, PartnersPerPotential *float64
	Flag                                            string // coverage flag, "" when none
}

// regionRollup is the region's own row of region_coverage.
type regionRollup struct {
	Name  string
	Loyal int64
	coverageFigures
	Reasons     string // the rule that gave the flag, the English column
	ReasonCodes []ReasonCode
}

// departmentRow is a department's row of region_coverage.
type departmentRow struct {
	Code, Name string
	coverageFigures
}

// topPartnerRow is one of the region's largest partners.
type topPartnerRow struct {
	Rank          *int64
	Name, ID      string
	Revenue       float64
	Loyalty, Plan string
}

// planCount is the size of one plan in the region.
type planCount struct {
	Partners int64
	Revenue  float64
}

// targetRow is a recruitment target: Type is "partner" or "reseller".
type targetRow struct {
	Type, Priority, Name, ID, Department string
	Potential, Amount                    *float64
}

// movementRow is a partner whose loyalty or plan changed since last month.
type movementRow struct {
	Name, ID                                 string
	LoyaltyWas, LoyaltyNow, PlanWas, PlanNow string
}

// regions lists the region codes of the period's coverage.
func (l *lake) regions(ctx context.Context) ([]string, error) {
	var out []string
	err := l.scan(ctx, qRegions, nil, func(rows *sql.Rows) error {
		var code string
		if err := rows.Scan(&code); err != nil {
			return err
		}
		out = append(out, code)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read region_coverage: %w", err)
	}
	return out, nil
}

// regionReports fetches the reports of the regions named in codes, each
// kind of figure for all of them in one query (by region code, the order
// of each region's rows kept): a query costs milliseconds however few its
// rows, and a lake with territories has some twenty regions.
func (l *lake) regionReports(ctx context.Context, codes []string) (map[string]*regionData, error) {
	out := make(map[string]*regionData, len(codes))
	if len(codes) == 0 { // no territories: nothing to read
		return out, nil
	}
	for _, code := range codes {
		out[code] = &regionData{Code: code, Plans: map[string]planCount{}}
	}
	// of scans a row whose first column is a region code into dest and
	// returns that region's data; nil for a region not asked for, whose
	// rows are skipped.
	of := func(rows *sql.Rows, dest ...any) (*regionData, error) {
		var code string
		if err := rows.Scan(append([]any{&code}, dest...)...); err != nil {
			return nil, err
		}
		return out[code], nil
	}
	found := map[string]bool{}
	steps := []struct {
		query, what string
		row         func(*sql.Rows) error
	}{
		{qRegionRollup, "region_coverage", func(rows *sql.Rows) error {
			var r regionRollup
			var codes string
			d, err := of(rows, &r.Name, &r.Master, &r.Active, &r.Loyal, &r.Potential, &r.Revenue, &r.Share,
				&r.PartnersPerPotential, &r.Flag, &r.Reasons, &codes)
			if err != nil || d == nil {
				return err
			}
			found[d.Code] = true
			d.Rollup = r
			d.Rollup.ReasonCodes, err = parseReasonCodes(codes)
			return err
		}},
		{qRegionDepartments, "department coverage", func(rows *sql.Rows) error {
			var r departmentRow
			d, err := of(rows, &r.Code, &r.Name, &r.Master, &r.Active, &r.Potential, &r.Revenue, &r.Share,
				&r.PartnersPerPotential, &r.Flag)
			if d != nil {
				d.Departments = append(d.Departments, r)
			}
			return err
		}},
		{qRegionTopPartners, "top partners", func(rows *sql.Rows) error {
			var r topPartnerRow
			d, err := of(rows, &r.Rank, &r.Name, &r.ID, &r.Revenue, &r.Loyalty, &r.Plan)
			if d != nil {
				d.TopPartners = append(d.TopPartners, r)
			}
			return err
		}},
		{qRegionPlans, "plans", func(rows *sql.Rows) error {
			var plan string
			var r planCount
			d, err := of(rows, &plan, &r.Partners, &r.Revenue)
			if d != nil {
				d.Plans[plan] = r
			}
			return err
		}},
		{qRegionTargets, "recruitment_targets", func(rows *sql.Rows) error {
			var r targetRow
			d, err := of(rows, &r.Type, &r.Priority, &r.Name, &r.ID, &r.Department, &r.Potential, &r.Amount)
			if d != nil {
				d.Targets = append(d.Targets, r)
			}
			return err
		}},
		{qRegionMovements, "movements", func(rows *sql.Rows) error {
			var r movementRow
			var total int64
			d, err := of(rows, &r.Name, &r.ID, &r.LoyaltyWas, &r.LoyaltyNow, &r.PlanWas, &r.PlanNow, &total)
			if d != nil {
				d.Movements, d.MovementsTotal = append(d.Movements, r), total
			}
			return err
		}},
	}
	for _, s := range steps {
		if err := l.scan(ctx, s.query, nil, s.row); err != nil {
			return nil, fmt.Errorf("read %s: %w", s.what, err)
		}
	}
	for _, code := range codes {
		if !found[code] {
			return nil, fmt.Errorf("region %q: no row in region_coverage of %s", code, l.period)
		}
	}
	if !l.hasOutlook() {
		return out, nil
	}
	// The nation's list, each region's partners in its order.
	atRisk, err := l.atRiskPartners(ctx, 0)
	if err != nil {
		return nil, err
	}
	for _, r := range atRisk {
		if d := out[r.regionCode]; d != nil && len(d.AtRisk) < atRiskListed {
			d.AtRisk = append(d.AtRisk, r)
		}
	}
	err = l.scan(ctx, qRetentionPlan, nil, func(rows *sql.Rows) error {
		var r retentionRow
		d, err := of(rows, &r.ID, &r.Name, &r.Revenue, &r.Risk, &r.PAlive, &r.AtRisk3m)
		if d != nil {
			d.Retention = append(d.Retention, r)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read retention plan: %w", err)
	}
	for _, d := range out {
		d.Outlook = true
	}
	return out, nil
}

// scan runs query name with args and hands each row to row.
func (l *lake) scan(ctx context.Context, name string, args []any, row func(*sql.Rows) error) error {
	rows, err := l.query(ctx, name, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return fmt.Errorf("%s.sql: %w", name, err)
		}
	}
	return rows.Err()
}
