package config

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestScheduleDefaults(t *testing.T) {
	cfg, err := Parse(filepath.Join(t.TempDir(), "cs.yaml"), []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Schedule, (Schedule{Cron: "0 6 5 * *", Timezone: "Europe/Paris", CutoffDay: 15}); got != want {
		t.Errorf("schedule %+v, want %+v", got, want)
	}
	if got := cfg.Schedule.Spec(); got != "CRON_TZ=Europe/Paris 0 6 5 * *" {
		t.Errorf("spec %q", got)
	}
}

// A bad expression, zone or day is a config error at its place in the file.
func TestScheduleErrors(t *testing.T) {
	tests := []struct{ name, block, want string }{
		{"cron", "schedule:\n  cron: \"0 6 32 * *\"\n", "cs.yaml:12:9: schedule.cron: bad cron expression \"0 6 32 * *\""},
		{"fields", "schedule:\n  cron: \"0 6 5 *\"\n", "cs.yaml:12:9: schedule.cron: bad cron expression"},
		{"tz in cron", "schedule:\n  cron: \"CRON_TZ=UTC 0 6 5 * *\"\n", "cs.yaml:12:9: schedule.cron: give the time zone in schedule.timezone"},
		{"zone", "schedule:\n  timezone: Europe/Pariss\n", "cs.yaml:12:13: schedule.timezone: unknown time zone \"Europe/Pariss\""},
		{"cutoff", "schedule:\n  cutoff_day: 31\n", "cs.yaml:12:15: schedule.cutoff_day: must be between 1 and 28, got 31"},
		{"unknown", "schedule:\n  cutof_day: 3\n", "cs.yaml:12:3: unknown key \"cutof_day\" in schedule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(t.TempDir(), "cs.yaml")
			_, err := Parse(file, []byte(minimal+tt.block))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestScheduleAccepts(t *testing.T) {
	for _, c := range []string{"@every 2s", "@daily", "*/5 * * * *", "0 6 5 * *"} {
		if _, err := Parse(filepath.Join(t.TempDir(), "cs.yaml"), []byte(minimal+"schedule:\n  cron: \""+c+"\"\n")); err != nil {
			t.Errorf("%s: %v", c, err)
		}
	}
}

// Only what shapes the lake moves the result digest.
func TestResultSHA256(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cs.yaml")
	base, err := Parse(file, []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	same, _ := Parse(file, []byte(minimal+"schedule:\n  cron: \"@daily\"\nreports:\n  language: fr\n"))
	other, _ := Parse(file, []byte(minimal+"matching:\n  accept: 0.95\n"))
	if base.ResultSHA256() != same.ResultSHA256() {
		t.Error("schedule and report language changed the result digest")
	}
	if base.ResultSHA256() == other.ResultSHA256() {
		t.Error("matching.accept did not change the result digest")
	}
}
