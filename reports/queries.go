package reports

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"text/template"
)

// queryFiles are the reports' queries, one file per query named for what
// it returns. Each is a text/template whose data is the lake of the
// period, so the relations come from the lake package (quoted file lists,
// absent partitions reported) and never from a glob:
//
//	{{.Table "partner_scores"}}    the table of the report's period
//	{{.Ago "kpis" 12}}             the table of 12 months before it
//	{{.History "partner_months" 24}}  the table over the 24 months to the period
//	{{.Brands}}                    partner_id and brands of the partner master
//
// Values (a region code, a partner id) are bound as ? parameters.
//
//go:embed queries/*.sql
var queryFiles embed.FS

// Names of the queries the reports run; New fails when one is missing.
const (
	qPartners          = "partners"
	qPartnerMonthly    = "partner_monthly"
	qPartnerFamilies   = "partner_families"
	qProfileMedians    = "profile_medians"
	qRegions           = "regions"
	qRegionRollup      = "region_rollup"
	qRegionDepartments = "region_departments"
	qRegionTopPartners = "region_top_partners"
	qRegionPlans       = "region_plans"
	qRegionTargets     = "region_targets"
	qRegionMovements   = "region_movements"
	qKPIs              = "kpis"
	qScorecard         = "distributor_scorecard"
	qRejectsByReason   = "rejects_by_reason"
	qMovers            = "movers"
	qHeldFiles         = "held_files"
	qDepartmentShades  = "department_shades"
	qRestatedCounts    = "restated_counts"
	qRestatedMovements = "restated_movements"
	qWorkbookPartners  = "workbook_partners"
	qWorkbookTargets   = "workbook_targets"
	// the outlook (outlook.go)
	qPartnerOutlook = "partner_outlook"
	qAtRiskPartners = "at_risk_partners"
	qRetentionPlan  = "retention_plan"
	qOutlookTotals  = "outlook_totals"
)

var queryNames = []string{qPartners, qPartnerMonthly, qPartnerFamilies, qProfileMedians, qRegions, qRegionRollup,
	qRegionDepartments, qRegionTopPartners, qRegionPlans, qRegionTargets, qRegionMovements, qKPIs, qScorecard,
	qRejectsByReason, qMovers, qHeldFiles, qRestatedCounts, qRestatedMovements,
	qDepartmentShades, qWorkbookPartners, qWorkbookTargets, qPartnerOutlook, qAtRiskPartners, qRetentionPlan, qOutlookTotals,
	qStockFlags, qPriceByDistributor, qPriceTop, qPartnerBelowFloor} // channeltruth.go

// queries are the parsed query templates by name.
type queries map[string]*template.Template

// relations is what a query template may call: the lake of a render, or
// probe when the templates are checked at construction.
type relations interface {
	Table(table string) string
	Ago(table string, months int) string
	History(table string, months int) string
	Brands() string
}

// parseQueries reads names from fsys (<name>.sql each), parses them and
// expands each once against probe relations, so that a missing or empty
// file, a template syntax error or a call of an unknown relation fails
// at construction rather than in the middle of a render.
func parseQueries(fsys fs.FS, names []string) (queries, error) {
	out := queries{}
	for _, name := range names {
		file := name + ".sql"
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("reports: query %s: %w", file, err)
		}
		if strings.TrimSpace(stripComments(string(data))) == "" {
			return nil, fmt.Errorf("reports: query %s is empty", file)
		}
		t, err := template.New(file).Option("missingkey=error").Parse(string(data))
		if err != nil {
			return nil, fmt.Errorf("reports: query %w", err)
		}
		out[name] = t
		if _, err := out.expand(name, probe{}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// expand is the SQL of query name over the given relations.
func (q queries) expand(name string, rel relations) (string, error) {
	t, ok := q[name]
	if !ok {
		return "", fmt.Errorf("reports: no query %s.sql", name)
	}
	var b strings.Builder
	if err := t.Execute(&b, rel); err != nil {
		return "", fmt.Errorf("reports: query %w", err)
	}
	return b.String(), nil
}

// stripComments drops the -- comment lines, to tell an empty query.
func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			b.WriteString(line)
		}
	}
	return b.String()
}

// probe stands in for the lake when the templates are checked.
type probe struct{}

func (probe) Table(string) string        { return "(SELECT 1)" }
func (probe) Ago(string, int) string     { return "(SELECT 1)" }
func (probe) History(string, int) string { return "(SELECT 1)" }
func (probe) Brands() string             { return "(SELECT 1)" }
