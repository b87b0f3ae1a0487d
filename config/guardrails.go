package config

// Guardrails decide when a feed file is broken as a whole and is held back
// from sales_out instead of being published as data.
type Guardrails struct {
	// MaxRejectRate: a file whose rejected share of sale lines exceeds it is
	// held. 1 turns the rule off. Default 0.2.
	MaxRejectRate float64 `yaml:"max_reject_rate"`
	// MinLines: the reject rate of a file with fewer sale lines than this is
	// too noisy to judge; such a file is held only when every sale line is
	// rejected. Default 20.
	MinLines int `yaml:"min_lines"`
	// MinVolumeRatio: when a distributor's lines of the month fall under
	// this times its median lines a month over the last VolumeHistoryMonths
	// published months, its files of the month are held. 0 turns the rule
	// off. Default 0.3.
	MinVolumeRatio float64 `yaml:"min_volume_ratio"`
	// VolumeHistoryMonths: the months before the period the median is taken
	// over (at most history_months-1 are read from the lake). Default 6.
	VolumeHistoryMonths int `yaml:"volume_history_months"`
}

func defaultGuardrails() Guardrails {
	return Guardrails{MaxRejectRate: 0.2, MinLines: 20, MinVolumeRatio: 0.3, VolumeHistoryMonths: 6}
}

func (g *Guardrails) validate(p *checker) {
	if g.MaxRejectRate < 0 || g.MaxRejectRate > 1 {
		p.add("guardrails.max_reject_rate", "must be between 0 and 1 (1 turns the rule off), got %g", g.MaxRejectRate)
	}
	if g.MinLines < 1 {
		p.add("guardrails.min_lines", "must be 1 or more, got %d", g.MinLines)
	}
	if g.MinVolumeRatio < 0 || g.MinVolumeRatio >= 1 {
		p.add("guardrails.min_volume_ratio", "must be at least 0 (0 turns the rule off) and below 1, got %g", g.MinVolumeRatio)
	}
	if g.VolumeHistoryMonths < 1 || g.VolumeHistoryMonths > 120 {
		p.add("guardrails.volume_history_months", "must be between 1 and 120, got %d", g.VolumeHistoryMonths)
	}
}
