package pipeline

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/internal/xlsxstream"
)

// The row log gives back what was added, in order, whether it stayed in
// memory or spilled to a file, which is removed on close; numbers in
// exponent form come back written out.
func TestRowLog(t *testing.T) {
	t.Parallel()
	for _, keep := range []int{1 << 20, 40} {
		dir := t.TempDir()
		l := newRowLog(dir, keep)
		type row struct {
			n        int
			cells    []string
			formulas []xlsxstream.Formula
		}
		in := []row{
			{1, []string{"Invoice", "", "Amount\twith tab"}, nil},
			{2, nil, nil},
			{3, []string{"1.5E-3", "é", ""}, []xlsxstream.Formula{{Col: 2, Text: "A3*2"}}},
			{4, []string{strings.Repeat("x", 100)}, []xlsxstream.Formula{{Col: 0}, {Col: 5, Text: "B4"}}},
		}
		for _, r := range in {
			var cells [][]byte
			for _, c := range r.cells {
				cells = append(cells, []byte(c))
			}
			if err := l.add(r.n, cells, r.formulas); err != nil {
				t.Fatal(err)
			}
		}
		in[2].cells[0] = "0.0015"
		var got []row
		var rec logRecord
		err := l.replay(func(r *logRecord) error {
			if r.text != strings.Join(r.cells, "\t") {
				t.Errorf("row %d: text %q, cells %q", r.row, r.text, r.cells)
			}
			got = append(got, row{r.row, append([]string(nil), r.cells...), append([]xlsxstream.Formula(nil), r.formulas...)})
			return nil
		}, &rec)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if len(got[i].cells) == 0 {
				got[i].cells = nil
			}
			if len(got[i].formulas) == 0 {
				got[i].formulas = nil
			}
		}
		if !reflect.DeepEqual(got, in) {
			t.Errorf("keep %d: got %+v\nwant %+v", keep, got, in)
		}
		spilled := l.file != nil
		l.close()
		files, _ := os.ReadDir(dir)
		if spilled != (keep == 40) || len(files) != 0 {
			t.Errorf("keep %d: spilled %v, %d files left", keep, spilled, len(files))
		}
	}
}

// Merged ranges repeat the top-left value over the range, rows in order,
// a range starting on a row without the value filling nothing, and a
// later range seeing what an earlier one filled.
func TestMergeFiller(t *testing.T) {
	t.Parallel()
	m := newMergeFiller([]xlsxstream.Range{
		{R1: 3, C1: 0, R2: 4, C2: 1}, // A3:B4
		{R1: 2, C1: 2, R2: 5, C2: 2}, // C2:C5, top-left empty
		{R1: 3, C1: 1, R2: 3, C2: 3}, // B3:D3, after A3:B4 filled B3
	})
	rows := []struct {
		n           int
		cells, want []string
		changed     bool
	}{
		{1, []string{"h1", "h2"}, []string{"h1", "h2"}, false},
		{2, []string{"a"}, []string{"a"}, false},
		{3, []string{"x", "", "y"}, []string{"x", "x", "x", "x"}, true},
		{4, nil, []string{"x", "x"}, true},
		{5, []string{"z"}, []string{"z"}, false},
	}
	for _, r := range rows {
		got, changed := m.fill(r.n, r.cells)
		if !reflect.DeepEqual(got, r.want) && !(len(got) == 0 && len(r.want) == 0) || changed != r.changed {
			t.Errorf("row %d: got %q (changed %v), want %q (%v)", r.n, got, changed, r.want, r.changed)
		}
	}
}
