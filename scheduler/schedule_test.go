package scheduler

import (
	"testing"
	"time"

	"github.com/channelscope/channelscope/config"
)

// 06:00 in Paris stays 06:00 in Paris across both DST changes, so its UTC
// hour moves; the cut-off wake-up comes in between.
func TestNextAcrossDST(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, paris)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, cron string
		from       time.Time
		want       []string // successive ticks, Paris time, with their UTC offset
	}{
		{"daily through March", "0 6 * * *", at("2026-03-28 07:00"),
			[]string{"2026-03-29 06:00 +0200", "2026-03-30 06:00 +0200"}},
		{"daily through October", "0 6 * * *", at("2026-10-24 07:00"),
			[]string{"2026-10-25 06:00 +0100", "2026-10-26 06:00 +0100"}},
		{"eve of the March change", "0 6 * * *", at("2026-03-28 05:59"),
			[]string{"2026-03-28 06:00 +0100", "2026-03-29 06:00 +0200"}},
		{"monthly default, cut-off wake-ups between", "0 6 5 * *", at("2026-03-05 06:00"),
			[]string{"2026-03-16 00:00 +0100", "2026-04-05 06:00 +0200", "2026-04-16 00:00 +0200",
				"2026-05-05 06:00 +0200", "2026-05-16 00:00 +0200"}},
		{"monthly default over October", "0 6 5 * *", at("2026-10-16 00:00"),
			[]string{"2026-11-05 06:00 +0100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSchedule(config.Schedule{Cron: tt.cron, Timezone: "Europe/Paris", CutoffDay: 15})
			if err != nil {
				t.Fatal(err)
			}
			from := tt.from.UTC() // the zone of the clock does not matter
			for _, want := range tt.want {
				next := s.Next(from)
				if got := next.In(paris).Format("2006-01-02 15:04 -0700"); got != want {
					t.Fatalf("after %s: got %s, want %s", from.In(paris), got, want)
				}
				from = next
			}
		})
	}
}
