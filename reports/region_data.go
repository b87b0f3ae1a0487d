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

// region fetches the report of region code.
func (l *lake) region(ctx context.Context, code string) (regionData, error) {
	d := regionData{Code: code, Plans: map[string]planCount{}}
	found := false
	err := l.scan(ctx, qRegionRollup, []any{code}, func(rows *sql.Rows) error {
		r := &d.Rollup
		found = true
		var codes string
		if err := rows.Scan(&r.Name, &r.Master, &r.Active, &r.Loyal, &r.Potential, &r.Revenue, &r.Share,
			&r.PartnersPerPotential, &r.Flag, &r.Reasons, &codes); err != nil {
			return err
		}
		var err error
		r.ReasonCodes, err = parseReasonCodes(codes)
		return err
	})
	if err != nil {
		return d, fmt.Errorf("read region_coverage: %w", err)
	}
	if !found {
		return d, fmt.Errorf("region %q: no row in region_coverage of %s", code, l.period)
	}
	steps := []struct {
		query, what string
		row         func(*sql.Rows) error
	}{
		{qRegionDepartments, "department coverage", func(rows *sql.Rows) error {
			var r departmentRow
			err := rows.Scan(&r.Code, &r.Name, &r.Master, &r.Active, &r.Potential, &r.Revenue, &r.Share,
				&r.PartnersPerPotential, &r.Flag)
			d.Departments = append(d.Departments, r)
			return err
		}},
		{qRegionTopPartners, "top partners", func(rows *sql.Rows) error {
			var r topPartnerRow
			err := rows.Scan(&r.Rank, &r.Name, &r.ID, &r.Revenue, &r.Loyalty, &r.Plan)
			d.TopPartners = append(d.TopPartners, r)
			return err
		}},
		{qRegionPlans, "plans", func(rows *sql.Rows) error {
			var plan string
			var r planCount
			err := rows.Scan(&plan, &r.Partners, &r.Revenue)
			d.Plans[plan] = r
			return err
		}},
		{qRegionTargets, "recruitment_targets", func(rows *sql.Rows) error {
			var r targetRow
			err := rows.Scan(&r.Type, &r.Priority, &r.Name, &r.ID, &r.Department, &r.Potential, &r.Amount)
			d.Targets = append(d.Targets, r)
			return err
		}},
		{qRegionMovements, "movements", func(rows *sql.Rows) error {
			var r movementRow
			err := rows.Scan(&r.Name, &r.ID, &r.LoyaltyWas, &r.LoyaltyNow, &r.PlanWas, &r.PlanNow, &d.MovementsTotal)
			d.Movements = append(d.Movements, r)
			return err
		}},
	}
	for _, s := range steps {
		if err := l.scan(ctx, s.query, []any{code}, s.row); err != nil {
			return d, fmt.Errorf("read %s: %w", s.what, err)
		}
	}
	d.Outlook = l.hasOutlook()
	if d.AtRisk, err = l.atRiskPartners(ctx, code, atRiskListed); err != nil {
		return d, err
	}
	d.Retention, err = l.retentionPlan(ctx, code)
	return d, err
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
