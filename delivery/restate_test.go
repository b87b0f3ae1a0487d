package delivery_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/channelscope/channelscope/config"
)

// restatedLine is the line (1-based, as in source_line) of feed file rel
// that a restatement drops: the last line the generator wrote with a
// defect other than a duplicate, which the pipeline rejected. Dropping it
// changes the rejects, so the summary and the stewards' notice, but no
// figure a region report shows: any sale line, even of a reseller outside
// the master, moves a nationally ranked priority somewhere.
func restatedLine(t *testing.T, cfg *config.Config, rel string) int {
	t.Helper()
	f, err := os.Open(filepath.Join(cfg.Workspace, "truth", "lines.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	truth, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	line := 0
	for _, r := range truth[1:] {
		if r[0] == rel && r[3] != "" && r[3] != "duplicate" {
			line, _ = strconv.Atoi(r[1])
		}
	}
	if line == 0 {
		t.Fatalf("%s: no defective line to drop", rel)
	}
	return line
}
