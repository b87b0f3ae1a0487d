package reports

import (
	"bytes"
	"fmt"
	"time"

	"github.com/go-pdf/fpdf"
)

// doc wraps an fpdf document with the house layout: A4 portrait, the
// embedded Unicode font (font.go), fixed dates so the same data gives the
// same bytes.
type doc struct {
	pdf *fpdf.Fpdf
	// tr prepares text for the font (bmpOnly); every text drawn goes
	// through it, as it went through the former Windows-1252 translator.
	tr  func(string) string
	loc *locale
}

const (
	pageW, margin = 210.0, 14.0
	contentW      = pageW - 2*margin
)

// Colours of the house style.
var (
	ink     = [3]int{33, 37, 41}
	muted   = [3]int{108, 117, 125}
	accent  = [3]int{13, 110, 153}
	light   = [3]int{233, 240, 245}
	flagRGB = map[string][3]int{"uncovered": {200, 35, 51}, "under": {240, 160, 40}, "balanced": {60, 150, 80}, "over": {90, 110, 200}}
)

func newDoc(loc *locale, title, subtitle string, created time.Time) *doc {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(true)
	pdf.SetCompressionLevel(6) // klauspost/compress at 6: 12% smaller than fpdf's BestSpeed, as fast
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+4)
	loc.fonts.add(pdf)
	d := &doc{pdf: pdf, tr: bmpOnly, loc: loc}
	pdf.SetTitle(title, true)
	pdf.SetCreator("channelscope", true)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin)
		d.font("", 7, muted)
		pdf.CellFormat(contentW/2, 4, d.tr("channelscope · "+subtitle), "", 0, "L", false, 0, "")
		pdf.CellFormat(contentW/2, 4, d.tr(fmt.Sprintf("%s %d", loc.T("page"), pdf.PageNo())), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	return d
}

func (d *doc) font(style string, size float64, color [3]int) {
	d.pdf.SetFont(fontFamily, style, size)
	d.pdf.SetTextColor(color[0], color[1], color[2])
}

// banner writes the report kind and period over a title.
func (d *doc) banner(kind, period, title, line string) {
	d.font("", 9, accent)
	d.pdf.CellFormat(contentW/2, 5, d.tr(kind), "", 0, "L", false, 0, "")
	d.pdf.CellFormat(contentW/2, 5, d.tr(period), "", 1, "R", false, 0, "")
	d.font("B", 16, ink)
	d.pdf.MultiCell(contentW, 7, d.tr(title), "", "L", false)
	if line != "" {
		d.font("", 9, muted)
		d.pdf.MultiCell(contentW, 4.5, d.tr(line), "", "L", false)
	}
	d.rule()
}

func (d *doc) rule() {
	y := d.pdf.GetY() + 1.5
	d.pdf.SetDrawColor(light[0], light[1], light[2])
	d.pdf.SetLineWidth(0.4)
	d.pdf.Line(margin, y, pageW-margin, y)
	d.pdf.SetY(y + 2.5)
}

// section starts a titled block, on a new page when little room is left.
func (d *doc) section(title string, need float64) {
	_, pageH := d.pdf.GetPageSize()
	if d.pdf.GetY()+need > pageH-margin-6 {
		d.pdf.AddPage()
	}
	d.font("B", 10.5, accent)
	d.pdf.CellFormat(contentW, 6, d.tr(title), "", 1, "L", false, 0, "")
}

// text writes a paragraph.
func (d *doc) text(s string, size float64) {
	d.font("", size, ink)
	d.pdf.MultiCell(contentW, size*0.48, d.tr(s), "", "L", false)
	d.pdf.Ln(1)
}

// table writes a header row and rows; widths are fractions of the width,
// align one letter per column (L, R, C).
func (d *doc) table(header []string, rows [][]string, widths []float64, align string) {
	d.font("B", 8, ink)
	d.pdf.SetFillColor(light[0], light[1], light[2])
	for i, h := range header {
		d.pdf.CellFormat(widths[i]*contentW, 5.5, d.tr(h), "", 0, string(align[i]), true, 0, "")
	}
	d.pdf.Ln(-1)
	d.font("", 8, ink)
	for _, r := range rows {
		for i, c := range r {
			d.pdf.CellFormat(widths[i]*contentW, 5, d.tr(fit(c, widths[i]*contentW)), "B", 0, string(align[i]), false, 0, "")
		}
		d.pdf.Ln(-1)
	}
	d.pdf.Ln(2)
}

// fit shortens a cell's text to about what the width holds at 8 pt.
func fit(s string, width float64) string {
	max := int(width / 1.55)
	r := []rune(s)
	if len(r) <= max || max < 4 {
		return s
	}
	return string(r[:max-1]) + "…"
}

func (d *doc) bytes() ([]byte, error) {
	var b bytes.Buffer
	if err := d.pdf.Output(&b); err != nil {
		return nil, err
	}
	return d.loc.fonts.packer.pack(b.Bytes())
}
