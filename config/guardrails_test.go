package config

import (
	"strings"
	"testing"
)

func TestGuardrails(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("cs.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Guardrails, defaultGuardrails(); got != want {
		t.Errorf("defaults %+v, want %+v", got, want)
	}
	cfg, err = Parse("cs.yaml", []byte("guardrails:\n  max_reject_rate: 0.5\n  min_volume_ratio: 0.1\n"+minimal))
	if err != nil {
		t.Fatal(err)
	}
	if g := cfg.Guardrails; g.MaxRejectRate != 0.5 || g.MinVolumeRatio != 0.1 || g.VolumeHistoryMonths != 6 || g.MinLines != 20 {
		t.Errorf("set keys: %+v", g)
	}

	// An explicit zero stays zero: the volume rule is off.
	cfg, err = Parse("cs.yaml", []byte("guardrails:\n  min_volume_ratio: 0\n"+minimal))
	if err != nil || cfg.Guardrails.MinVolumeRatio != 0 {
		t.Errorf("min_volume_ratio: 0 gave %+v, %v", cfg, err)
	}

	tests := []struct{ name, yaml, want string }{
		{"rate above 1", "guardrails:\n  max_reject_rate: 1.5\n", "cs.yaml:2:20: guardrails.max_reject_rate: must be between 0 and 1"},
		{"negative rate", "guardrails:\n  max_reject_rate: -0.1\n", "cs.yaml:2:20: guardrails.max_reject_rate"},
		{"ratio 1", "guardrails:\n  min_volume_ratio: 1\n", "cs.yaml:2:21: guardrails.min_volume_ratio: must be at least 0 (0 turns the rule off) and below 1, got 1"},
		{"months", "guardrails:\n  volume_history_months: -2\n", "cs.yaml:2:26: guardrails.volume_history_months: must be between 1 and 120, got -2"},
		{"min lines", "guardrails:\n  min_lines: -1\n", "cs.yaml:2:14: guardrails.min_lines: must be 1 or more"},
		{"unknown key", "guardrails:\n  max_rejects: 0.1\n", "cs.yaml:2:3: unknown key \"max_rejects\" in guardrails"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("cs.yaml", []byte(tt.yaml+minimal))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n  %v\nwant it to contain\n  %s", err, tt.want)
			}
		})
	}
}
