package reports

import (
	"math"
	"time"
)

// barChart draws monthly values as vector bars (fpdf primitives: a
// charting library would rasterise or build SVG per page, too slow for
// hundreds of pages a second), with a zero line, the maximum on the axis
// and a month label every third bar. Negative months (returns) go below.
func (d *doc) barChart(values []float64, first time.Time, height float64) {
	pdf := d.pdf
	x0, y0 := margin, pdf.GetY()
	labelW := 18.0
	w := contentW - labelW
	hi, lo := 0.0, 0.0
	for _, v := range values {
		hi, lo = math.Max(hi, v), math.Min(lo, v)
	}
	if hi == lo {
		hi = 1
	}
	scale := (height - 6) / (hi - lo)
	zero := y0 + (hi * scale)
	barW := w / float64(len(values))
	pdf.SetDrawColor(muted[0], muted[1], muted[2])
	pdf.SetLineWidth(0.2)
	pdf.Line(x0+labelW, zero, x0+labelW+w, zero)
	d.font("", 6.5, muted)
	pdf.SetXY(x0, y0-1.5)
	pdf.CellFormat(labelW-1, 3, d.tr(d.loc.Number(hi, 0)), "", 0, "R", false, 0, "")
	pdf.SetXY(x0, zero-1.5)
	pdf.CellFormat(labelW-1, 3, "0", "", 0, "R", false, 0, "")
	for i, v := range values {
		x := x0 + labelW + float64(i)*barW + barW*0.15
		if v >= 0 {
			pdf.SetFillColor(accent[0], accent[1], accent[2])
			pdf.Rect(x, zero-v*scale, barW*0.7, v*scale, "F")
		} else {
			pdf.SetFillColor(flagRGB["uncovered"][0], flagRGB["uncovered"][1], flagRGB["uncovered"][2])
			pdf.Rect(x, zero, barW*0.7, -v*scale, "F")
		}
		if i%3 == len(values)%3 || i == len(values)-1 {
			pdf.SetXY(x-barW*0.5, y0+height-4.5)
			pdf.CellFormat(barW*1.7, 3, d.tr(d.loc.ShortMonth(first.AddDate(0, i, 0))), "", 0, "C", false, 0, "")
		}
	}
	pdf.SetXY(margin, y0+height)
}

// hbars draws shares as horizontal bars with their percentage.
func (d *doc) hbars(items []Share, max int) {
	pdf := d.pdf
	total := 0.0
	for _, s := range items {
		total += s.Value
	}
	if total <= 0 {
		d.text(d.loc.T("none"), 8)
		return
	}
	if len(items) > max {
		items = items[:max]
	}
	labelW, barMax := 38.0, contentW-38-22
	for _, s := range items {
		y := pdf.GetY()
		d.font("", 8, ink)
		pdf.CellFormat(labelW, 4.5, d.tr(fit(s.Name, labelW)), "", 0, "L", false, 0, "")
		pdf.SetFillColor(accent[0], accent[1], accent[2])
		pdf.Rect(margin+labelW, y+0.8, barMax*s.Value/total, 2.9, "F")
		pdf.SetXY(margin+labelW+barMax+2, y)
		pdf.CellFormat(20, 4.5, d.tr(d.loc.Percent(s.Value/total, 1)), "", 1, "R", false, 0, "")
	}
	pdf.Ln(1.5)
}

// swatch draws a small coloured square (a coverage flag) at the cursor.
func (d *doc) swatch(flag string) {
	c, ok := flagRGB[flag]
	if !ok {
		return
	}
	x, y := d.pdf.GetXY()
	d.pdf.SetFillColor(c[0], c[1], c[2])
	d.pdf.Rect(x+1, y+1.2, 3, 3, "F")
}
