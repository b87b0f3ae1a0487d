package synth

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

// writeFeed renders fp into path (rel inside the workspace), row by row,
// with its truth.
func (g *gen) writeFeed(path, rel string, fp *filePlan, truth *truthWriter, st *tally) error {
	var w feedWriter
	var err error
	if layouts[fp.d].xlsx {
		rows := fp.slots.len
		if fp.summary != nil {
			rows++
		}
		w, err = newXLSXWriter(path, layouts[fp.d].header, rows, g.lim.xlsxMemRows, g.periods[fp.m])
	} else {
		w, err = newCSVWriter(path, fp.d)
	}
	if err != nil {
		return err
	}
	tw, err := truth.part(rel)
	if err != nil {
		_ = w.close()
		return err
	}
	line := 1 // the header
	err = fp.rows(g, func(r row) error {
		line++
		st.add(r)
		if err := w.write(r.cells); err != nil {
			return err
		}
		return truthLine(tw, rel, line, r.partner, r.defect)
	})
	if cerr := w.close(); err == nil {
		err = cerr
	}
	return err
}
