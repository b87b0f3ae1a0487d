package pipeline

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// This file holds the SQL variables: everything a stage reads from Go, passed
// as DuckDB variables bound with SET VARIABLE (getvariable('name') in SQL),
// never pasted into the SQL text.

// stageVars are the variables of a run of m's period.
func (p *Pipeline) stageVars(m *Manifest, start time.Time, scratch string) (map[string]any, error) {
	vars := map[string]any{
		"period":        m.Period,
		"period_start":  Date(start),
		"period_end":    Date(start.AddDate(0, 1, 0)),
		"run_id":        m.RunID,
		"base_currency": p.cfg.BaseCurrency,
	}
	refs, err := p.referencePaths(scratch, m.Period)
	if err != nil {
		return nil, err
	}
	maps.Copy(vars, refs)
	maps.Copy(vars, p.matchingVars())
	maps.Copy(vars, p.scoringVars())
	maps.Copy(vars, p.guardVars(m.AcceptedFiles))
	maps.Copy(vars, p.outlookVars())
	maps.Copy(vars, p.truthVars())
	return vars, nil
}

// referencePaths gives each reference variable its file; an optional file
// that is absent is replaced by an empty one in the scratch folder.
func (p *Pipeline) referencePaths(scratch, period string) (map[string]any, error) {
	vars := map[string]any{}
	for _, r := range p.references(period) {
		path := p.cfg.Path(r.Rel)
		if _, err := os.Stat(path); err != nil && r.Optional {
			path = filepath.Join(scratch, "empty-"+r.Var+".csv")
			if err := os.WriteFile(path, []byte(r.Empty), 0o644); err != nil {
				return nil, err
			}
		}
		vars[r.Var] = path
	}
	return vars, nil
}

// scoringVars passes the scoring thresholds to the score and segment stages.
func (p *Pipeline) scoringVars() map[string]any {
	s := p.cfg.Scoring
	return map[string]any{
		"score_our_brand": s.OurBrand, "score_loyal_min_months": s.LoyalMinMonths,
		"score_occasional_min_months": s.OccasionalMinMonths, "score_abc_a": s.ABCA, "score_abc_b": s.ABCB,
		"score_profile_min_members": s.ProfileMinMembers, "score_strategic_share": s.StrategicShare,
		"score_occasional_share": s.OccasionalShare, "score_attainable_percentile": s.AttainablePercentile,
		"score_prospecting_max_share": s.ProspectingMaxShare, "score_retention_top_n": s.RetentionTopN,
		"score_retention_top_share": s.RetentionTopShare, "score_development_min_opportunity": s.DevelopmentMinOpportunity,
		"score_prospection_min_potential": s.ProspectionMinPotential, "score_support_months": s.SupportMonths,
		// a list travels as text: DuckDB types an empty Go slice as INTEGER[]
		"score_targeted_business_lines": strings.Join(s.TargetedBusinessLines, ","),
		"score_field_capacity":          s.FieldReps * s.FieldAccountsPerRep,
		"score_kpi_top_n":               s.KPITopN, "score_kpi_development_top_n": s.KPIDevelopmentTopN,
		"history_months":        p.cfg.HistoryMonths,
		"coverage_under_factor": p.cfg.Coverage.UnderFactor, "coverage_over_factor": p.cfg.Coverage.OverFactor,
		"coverage_potential_unit": p.cfg.Coverage.PotentialUnit,
	}
}

// matchingVars passes the matching thresholds to the match stage.
func (p *Pipeline) matchingVars() map[string]any {
	m := p.cfg.Matching
	return map[string]any{
		"match_accept": m.Accept, "match_review": m.Review, "match_margin": m.Margin,
		"match_block_cap": m.BlockCap, "match_memory_tolerance": m.MemoryTolerance,
	}
}

// guardVars passes the guardrails and the accepted files to the cleanse
// stage; the list travels as text, one path per line.
func (p *Pipeline) guardVars(accepted []AcceptedFile) map[string]any {
	g := p.cfg.Guardrails
	paths := make([]string, len(accepted))
	for i, a := range accepted {
		paths[i] = a.SourceFile
	}
	return map[string]any{
		"guard_max_reject_rate": g.MaxRejectRate, "guard_min_lines": g.MinLines,
		"guard_min_volume_ratio": g.MinVolumeRatio, "guard_volume_history_months": g.VolumeHistoryMonths,
		"guard_accepted_files": strings.Join(paths, "\n"),
	}
}

// outlookVars passes the outlook thresholds to the outlook Go step.
func (p *Pipeline) outlookVars() map[string]any {
	o := p.cfg.Outlook
	return map[string]any{
		"outlook_new_weeks": o.NewWeeks, "outlook_watch_below": o.WatchBelow, "outlook_at_risk_below": o.AtRiskBelow,
		"outlook_min_repeat_buyers": o.MinRepeatBuyers, "outlook_seasonality": o.Seasonality,
		"outlook_min_history_weeks": o.MinHistoryWeeks,
	}
}
