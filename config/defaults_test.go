package config

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"

	"go.yaml.in/yaml/v3"
)

// An explicit zero is a choice, not a missing key: it must survive decoding.
func TestExplicitZeroStaysZero(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cs.yaml")
	cfg, err := Parse(file, []byte(minimal+`
matching:
  margin: 0
scoring:
  field_reps: 0
  retention_top_n: 0
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Matching.Margin != 0 || cfg.Scoring.FieldReps != 0 || cfg.Scoring.RetentionTopN != 0 {
		t.Errorf("explicit zeros lost: margin %g, field_reps %d, retention_top_n %d",
			cfg.Matching.Margin, cfg.Scoring.FieldReps, cfg.Scoring.RetentionTopN)
	}
	// Keys left out keep their defaults, also beside a key that is set.
	if cfg.Matching.Accept != 0.92 || cfg.Scoring.FieldAccountsPerRep != 40 {
		t.Errorf("defaults lost beside explicit keys: accept %g, field_accounts_per_rep %d",
			cfg.Matching.Accept, cfg.Scoring.FieldAccountsPerRep)
	}
}

// The README's configuration block is the documentation of the defaults:
// every key it shows must carry the value Default() gives, and every
// default must be shown.
func TestREADMEDefaults(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## Configuration\n.*?```yaml\n(.*?)```").FindSubmatch(data)
	if m == nil {
		t.Fatal("README.md: no ```yaml block under ## Configuration")
	}
	var got Config
	if err := yaml.Unmarshal(m[1], &got); err != nil {
		t.Fatalf("README.md configuration block: %v", err)
	}
	want := Default()
	if len(got.Distributors) != 1 {
		t.Fatalf("README.md configuration block: want one example distributor, got %d", len(got.Distributors))
	}
	d := DefaultDistributor()
	d.ID, d.Name, d.Files, d.Currency = "nordis", "nordis", "*.csv", want.BaseCurrency
	d.Columns = got.Distributors[0].Columns // the example's header names are placeholders
	want.Distributors = []Distributor{d}
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		name := gv.Type().Field(i).Tag.Get("yaml")
		if name == "-" {
			continue
		}
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			t.Errorf("README.md default block, %s:\n README  %+v\n Default %+v", name, gv.Field(i).Interface(), wv.Field(i).Interface())
		}
	}
}
