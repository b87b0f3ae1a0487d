package synth

import (
	"encoding/csv"
	"math"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// tally counts what the feeds hold for the summary, as they are written.
type tally struct {
	lines, good int
	defects     map[string]int
	buyers      map[string]bool
}

func newTally() *tally {
	return &tally{defects: map[string]int{}, buyers: map[string]bool{}}
}

func (t *tally) add(r row) {
	t.lines++
	if r.defect == "" {
		t.good++
	} else {
		t.defects[r.defect]++
	}
	if r.partner != "" {
		t.buyers[r.partner] = true
	}
}

func (t *tally) summarize(s *Summary) {
	s.Lines, s.Good, s.Buyers = t.lines, t.good, len(t.buyers)
	for _, c := range DefectCodes() {
		s.Defects = append(s.Defects, DefectCount{Code: c, Lines: t.defects[c]})
	}
}

// xlsxMaxRows is the most data rows a sheet takes: Excel's 1,048,576
// rows, the header included. A month with more is split into workbooks
// sellout_YYYY_MM.xlsx, sellout_YYYY_MM_2.xlsx, ... (each with its header),
// as an ERP exporting to Excel has to.
const xlsxMaxRows = 1<<20 - 1

// partName is the name of part k (0-based) of feed file rel.
func partName(rel string, k int) string {
	if k == 0 {
		return rel
	}
	ext := path.Ext(rel)
	return strings.TrimSuffix(rel, ext) + "_" + strconv.Itoa(k+1) + ext
}

// writeFeed renders fp into the file rel of workspace dir (into several
// when a sheet would overflow), row by row, with its truth. It returns the
// files written.
func (g *gen) writeFeed(dir, rel string, fp *filePlan, truth *truthWriter, st *tally) ([]string, error) {
	total, perFile := fp.slots.len, math.MaxInt
	if fp.summary != nil {
		total++
	}
	if layouts[fp.d].xlsx {
		perFile = g.lim.xlsxMaxRows
	}
	var files []string
	var w feedWriter
	var tw *csv.Writer
	var cur string
	line, left := 0, total
	open := func() error {
		cur = partName(rel, len(files))
		files = append(files, cur)
		p := filepath.Join(dir, filepath.FromSlash(cur))
		var err error
		if layouts[fp.d].xlsx {
			w, err = newXLSXWriter(p, layouts[fp.d].header, min(left, perFile), g.lim.xlsxMemRows, g.periods[fp.m])
		} else {
			w, err = newCSVWriter(p, fp.d)
		}
		if err != nil {
			return err
		}
		line = 1 // the header
		tw, err = truth.part(cur)
		return err
	}
	err := open()
	if err == nil {
		err = fp.rows(g, func(r row) error {
			if line > perFile { // this part is full
				if err := w.close(); err != nil {
					return err
				}
				if err := open(); err != nil {
					return err
				}
			}
			line++
			left--
			st.add(r)
			if err := w.write(r.cells); err != nil {
				return err
			}
			return truthLine(tw, cur, line, r.partner, r.defect)
		})
	}
	if w != nil {
		if cerr := w.close(); err == nil {
			err = cerr
		}
	}
	return files, err
}
