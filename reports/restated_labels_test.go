package reports

import (
	"maps"
	"slices"
	"testing"
)

// Both languages name every label of the restated section.
func TestRestatedLabels(t *testing.T) {
	t.Parallel()
	en, fr := slices.Sorted(maps.Keys(restatedLabels["en"])), slices.Sorted(maps.Keys(restatedLabels["fr"]))
	if !slices.Equal(en, fr) {
		t.Errorf("en labels %v, fr labels %v", en, fr)
	}
	if len(restatedLabels) != len(dictionaries) {
		t.Errorf("restated labels in %d languages, reports in %d", len(restatedLabels), len(dictionaries))
	}
}
