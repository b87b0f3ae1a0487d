package reports

import (
	"strconv"
	"strings"
)

// grid is the table of these reports: headers wrap onto two lines, the
// header repeats on each new page, and the column flagCol (or -1) gets the
// coverage flag's swatch of its row before the text.
func (d *doc) grid(header []string, rows [][]string, widths []float64, align string, flagCol int, flags []string) {
	pdf := d.pdf
	_, pageH := pdf.GetPageSize()
	bottom := pageH - margin - 4
	const rowH = 5.0
	// a header whose longest word is wider than its column gets a smaller
	// size rather than a word cut in two
	sizes := make([]float64, len(header))
	d.font("B", 7.5, ink)
	for i, h := range header {
		sizes[i] = 7.5
		for _, word := range strings.Fields(h) {
			if ww := d.pdf.GetStringWidth(word); ww > widths[i]*contentW-2 {
				sizes[i] = min(sizes[i], 7.5*(widths[i]*contentW-2)/ww)
			}
		}
	}
	drawHeader := func() {
		lines := 1
		for i, h := range header {
			d.font("B", sizes[i], ink)
			lines = max(lines, d.lineCount(h, widths[i]*contentW-2))
		}
		h := 3.6*float64(lines) + 1.6
		if pdf.GetY()+h+rowH > bottom {
			pdf.AddPage()
		}
		y := pdf.GetY()
		pdf.SetFillColor(light[0], light[1], light[2])
		pdf.Rect(margin, y, contentW, h, "F")
		x := margin
		for i, t := range header {
			pdf.SetXY(x, y+0.8)
			d.font("B", sizes[i], ink)
			pdf.MultiCell(widths[i]*contentW, 3.6, d.tr(t), "", string(align[i]), false)
			x += widths[i] * contentW
		}
		pdf.SetXY(margin, y+h)
		d.font("", 8, ink)
	}
	drawHeader()
	pdf.SetDrawColor(light[0], light[1], light[2])
	pdf.SetLineWidth(0.2)
	for r, row := range rows {
		if pdf.GetY()+rowH > bottom {
			pdf.AddPage()
			drawHeader()
		}
		for i, c := range row {
			w := widths[i] * contentW
			if i == flagCol && r < len(flags) {
				if _, ok := flagRGB[flags[r]]; ok {
					x := pdf.GetX()
					d.swatch(flags[r])
					pdf.SetX(x + 4.5)
					w -= 4.5
				}
			}
			pdf.CellFormat(w, rowH, d.fitTo(c, w), "B", 0, string(align[i]), false, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.Ln(2)
}

// fitTo translates s and shortens it with an ellipsis to what a cell of
// width w holds at the current font (measured, unlike fit's estimate: names
// in capitals are wider than the average).
func (d *doc) fitTo(s string, w float64) string {
	room := w - 2*d.pdf.GetCellMargin()
	if t := d.tr(s); d.pdf.GetStringWidth(t) <= room {
		return t
	}
	r := []rune(s)
	for n := len(r) - 1; n > 0; n-- {
		if t := d.tr(strings.TrimSpace(string(r[:n])) + "…"); d.pdf.GetStringWidth(t) <= room {
			return t
		}
	}
	return ""
}

// lineCount is how many lines MultiCell wraps s into at the current font
// (fpdf's SplitText indexes widths by rune and breaks on the € of cp1252).
func (d *doc) lineCount(s string, w float64) int {
	lines, used := 1, 0.0
	space := d.pdf.GetStringWidth(" ")
	for i, word := range strings.Fields(s) {
		ww := d.pdf.GetStringWidth(d.tr(word))
		switch {
		case i == 0:
			used = ww
		case used+space+ww > w:
			lines, used = lines+1, ww
		default:
			used += space + ww
		}
	}
	return lines
}

// orEmpty shows an optional whole number, "" when NULL.
func orEmpty(v *int64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(*v, 10)
}

// orZero reads an optional figure as 0 when NULL.
func orZero(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}
