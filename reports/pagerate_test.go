package reports

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/channelscope/channelscope/config"
)

// TestPageRate measures the drawing of partner pages alone, in CPU time
// (wall time means little on a shared machine), for the README's figures.
// It runs only when CHANNELSCOPE_PAGERATE names a workspace's
// channelscope.yaml whose period CHANNELSCOPE_PAGERATE_PERIOD is built;
// it asserts nothing about time.
func TestPageRate(t *testing.T) {
	path, period := os.Getenv("CHANNELSCOPE_PAGERATE"), os.Getenv("CHANNELSCOPE_PAGERATE_PERIOD")
	if path == "" || period == "" {
		t.Skip("set CHANNELSCOPE_PAGERATE=<workspace>/channelscope.yaml and CHANNELSCOPE_PAGERATE_PERIOD=YYYY-MM")
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(Options{Output: cfg.Output, PartnersFile: cfg.Path(cfg.Reference.Partners), Language: cfg.Reports.Language})
	if err != nil {
		t.Fatal(err)
	}
	l, err := openLake(r.opts.Lake, r.queries, period, r.opts.PartnersFile, r.opts.DuckDBThreads)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	partners, err := l.partners(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	created := l.start.AddDate(0, 1, 0).Add(-time.Second).UTC()
	cpu := func() time.Duration {
		var u syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
			t.Fatal(err)
		}
		return time.Duration(u.Utime.Nano() + u.Stime.Nano())
	}
	for _, lang := range []string{"en", "fr"} {
		loc, err := newLocale(lang, "EUR")
		if err != nil {
			t.Fatal(err)
		}
		var bytes int
		began := cpu()
		const rounds = 3
		for range rounds {
			bytes = 0
			for _, p := range partners {
				data, err := partnerPage(loc, p, l.start, created)
				if err != nil {
					t.Fatal(err)
				}
				bytes += len(data)
			}
		}
		spent := cpu() - began
		pages := rounds * len(partners)
		t.Logf("%s: %d pages in %v CPU: %.0f pages per CPU-second; %.1f KB a page",
			lang, pages, spent, float64(pages)/spent.Seconds(), float64(bytes)/float64(len(partners))/1024)
		if dir := os.Getenv("CHANNELSCOPE_PAGERATE_OUT"); dir != "" {
			for _, p := range partners[:5] {
				data, _ := partnerPage(loc, p, l.start, created)
				_ = os.WriteFile(filepath.Join(dir, lang+"-"+p.ID+".pdf"), data, 0o644)
			}
		}
	}
}
