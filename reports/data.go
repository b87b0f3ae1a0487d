package reports

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Partner is what a partner page shows.
type Partner struct {
	ID, Name, Region, RegionName, Department, DepartmentName string
	Typology, Profile, Loyalty, Status, Mode, Plan, Coverage string
	PotentialSource, Reasons                                 string // Reasons: the English column
	ReasonCodes                                              []ReasonCode
	RevenuePeriod, RevenueT12m                               float64
	Growth, Share, Attainable, Opportunity, Potential        *float64
	RankNational, RankRegion                                 *int64
	Months, CompetingBrands                                  int
	Brands                                                   []string
	Monthly                                                  [24]float64 // oldest first, the period last
	Families                                                 []Share
	Median                                                   ProfileMedian
	Targeted                                                 bool
	Outlook                                                  *partnerOutlook // nil: none this period (outlook.go)
	// BelowFloorShare: units bought below floor over 12 months / units
	// bought; GreyMarket: above Options.GreyMarketShare (channeltruth.go).
	BelowFloorShare *float64
	GreyMarket      bool
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

// partners loads every partner that gets a page: active in the last 12
// months, or given a plan, or a recruitment target; only one when only is
// a partner id.
func (l *lake) partners(ctx context.Context, only string) ([]*Partner, error) {
	rows, err := l.query(ctx, qPartners, only, only)
	if err != nil {
		return nil, fmt.Errorf("read partner_scores: %w", err)
	}
	defer rows.Close()
	var out []*Partner
	byID := map[string]*Partner{}
	for rows.Next() {
		p := &Partner{}
		var brandList, codes string
		if err := rows.Scan(&p.ID, &p.Name, &p.Region, &p.RegionName, &p.Department, &p.DepartmentName, &p.Typology,
			&p.Profile, &p.Loyalty, &p.Status, &p.Mode, &p.Plan, &p.Coverage, &p.PotentialSource, &p.Reasons,
			&p.RevenuePeriod, &p.RevenueT12m, &p.Growth, &p.Share, &p.Attainable, &p.Opportunity, &p.Potential,
			&p.RankNational, &p.RankRegion, &p.Months, &p.CompetingBrands, &brandList, &p.Targeted, &codes); err != nil {
			return nil, err
		}
		var err error
		if p.ReasonCodes, err = parseReasonCodes(codes); err != nil {
			return nil, fmt.Errorf("partner_scores of %s: %w", p.ID, err)
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
	if err := l.outlooks(ctx, byID, only); err != nil {
		return nil, err
	}
	if err := l.belowFloor(ctx, byID); err != nil {
		return nil, fmt.Errorf("read price_exceptions: %w", err)
	}
	return out, l.medians(ctx, out)
}

// monthly fills each partner's 24 months of net sales-out.
func (l *lake) monthly(ctx context.Context, byID map[string]*Partner) error {
	rows, err := l.query(ctx, qPartnerMonthly)
	if err != nil {
		return fmt.Errorf("read partner_months history: %w", err)
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
	rows, err := l.query(ctx, qPartnerFamilies)
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
	rows, err := l.query(ctx, qProfileMedians)
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
