package config

import (
	"strings"
	"unicode"
)

// Review configures the steward's review page (channelscope review).
type Review struct {
	// Steward is who the decisions taken on the page are recorded as, in
	// the note of each row appended to match_overrides.csv. Default "":
	// the operating-system user running channelscope review.
	Steward string `yaml:"steward"`
}

func defaultReview() Review { return Review{} }

func (r *Review) validate(p *checker) {
	if strings.ContainsFunc(r.Steward, unicode.IsControl) {
		p.add("review.steward", "must be one line of printable text, got %q", r.Steward)
	}
	if len(r.Steward) > 100 {
		p.add("review.steward", "must be at most 100 bytes, got %d", len(r.Steward))
	}
}
