package reports

import (
	"math"

	"github.com/go-pdf/fpdf"

	"github.com/channelscope/channelscope/reports/mapdata"
)

// Map colours: departments outside the picture's subject, and borders.
var (
	mapOther  = [3]int{222, 226, 230}
	mapBorder = [3]int{255, 255, 255}
)

// mapView places a box of the map in a box of the page (mm), keeping the
// map's proportions and centring it: page = map*scale + origin.
type mapView struct {
	scale, x0, y0 float64
}

func fitView(src mapdata.Box, x, y, w, h float64) mapView {
	s := math.Min(w/src.W(), h/src.H())
	return mapView{scale: s, x0: x + (w-src.W()*s)/2 - src.Min.X*s, y0: y + (h-src.H()*s)/2 - src.Min.Y*s}
}

// at is the page position of map point p.
func (v mapView) at(p mapdata.Point) (float64, float64) {
	return p.X*v.scale + v.x0, p.Y*v.scale + v.y0
}

// shows tells whether a box of the map falls in the page rectangle.
func (v mapView) shows(b mapdata.Box, x, y, w, h float64) bool {
	x1, y1 := v.at(b.Min)
	x2, y2 := v.at(b.Max)
	return x2 >= x && x1 <= x+w && y2 >= y && y1 <= y+h
}

// shade is how a department is painted.
type shade struct {
	fill  [3]int
	hatch bool // white diagonal lines: tells uncovered apart in black and white
}

// flagShade paints a coverage flag; ok is false for no flag.
func flagShade(flag string) (shade, bool) {
	c, ok := flagRGB[flag]
	return shade{fill: c, hatch: flag == "uncovered"}, ok
}

// mapDetail is the shortest line drawn (mm): shorter steps of the outline
// are merged, which keeps a small map small in the file and quick to draw
// without a visible change.
const mapDetail = 0.25

// tracePath makes the rings of s the current path.
func (d *doc) tracePath(s mapdata.Shape, v mapView) {
	pdf := d.pdf
	for _, r := range s.Rings {
		lx, ly := v.at(r.Start)
		pdf.MoveTo(lx, ly)
		for i, g := range r.Segs {
			x, y := v.at(g.To)
			if !g.Cubic && i < len(r.Segs)-1 && math.Abs(x-lx) < mapDetail && math.Abs(y-ly) < mapDetail {
				continue
			}
			lx, ly = x, y
			if g.Cubic {
				ax, ay := v.at(g.C1)
				bx, by := v.at(g.C2)
				pdf.CurveBezierCubicTo(ax, ay, bx, by, x, y)
			} else {
				pdf.LineTo(x, y)
			}
		}
		pdf.ClosePath()
	}
}

// paint fills shape s with sh and strokes its border in the current draw
// colour and width.
func (d *doc) paint(s mapdata.Shape, v mapView, sh shade) {
	d.pdf.SetFillColor(sh.fill[0], sh.fill[1], sh.fill[2])
	d.tracePath(s, v)
	d.pdf.DrawPath("B*")
	if sh.hatch {
		d.hatch(s, v)
	}
}

// hatch draws white diagonal lines inside s (clipped to each ring's
// polygon through its segment ends: the map has no curve).
func (d *doc) hatch(s mapdata.Shape, v mapView) {
	pdf := d.pdf
	x1, y1 := v.at(s.Box.Min)
	x2, y2 := v.at(s.Box.Max)
	for _, r := range s.Rings {
		pts := make([]fpdf.PointType, 0, len(r.Segs)+1)
		x, y := v.at(r.Start)
		pts = append(pts, fpdf.PointType{X: x, Y: y})
		for _, g := range r.Segs {
			x, y := v.at(g.To)
			if last := pts[len(pts)-1]; math.Abs(x-last.X) < mapDetail && math.Abs(y-last.Y) < mapDetail {
				continue
			}
			pts = append(pts, fpdf.PointType{X: x, Y: y})
		}
		pdf.ClipPolygon(pts, false)
		d.hatchLines(x1, y1, x2-x1, y2-y1)
		pdf.ClipEnd()
	}
}

// hatchStep is the horizontal distance between hatching lines (mm).
const hatchStep = 1.3

// hatchLines draws white diagonal lines over a rectangle, within the
// current clip.
func (d *doc) hatchLines(x, y, w, h float64) {
	d.pdf.SetDrawColor(mapBorder[0], mapBorder[1], mapBorder[2])
	d.pdf.SetLineWidth(0.3)
	for c := x - h; c < x+w; c += hatchStep {
		d.pdf.Line(c, y+h, c+h, y)
	}
}

// hatchRect hatches a rectangle.
func (d *doc) hatchRect(x, y, w, h float64) {
	d.pdf.ClipRect(x, y, w, h, false)
	d.hatchLines(x, y, w, h)
	d.pdf.ClipEnd()
}

// drawMap paints every shape of m that shows in the page rectangle, each
// with shadeOf(code), mapOther when not ok, clipped to the rectangle.
func (d *doc) drawMap(m *mapdata.Map, v mapView, x, y, w, h float64, shadeOf func(code string) (shade, bool)) {
	pdf := d.pdf
	pdf.ClipRect(x, y, w, h, false)
	pdf.SetLineJoinStyle("round")
	for _, s := range m.Shapes {
		if !v.shows(s.Box, x, y, w, h) {
			continue
		}
		sh, ok := shadeOf(s.Code)
		if !ok {
			sh = shade{fill: mapOther}
		}
		pdf.SetDrawColor(mapBorder[0], mapBorder[1], mapBorder[2])
		pdf.SetLineWidth(0.15)
		d.paint(s, v, sh)
	}
	pdf.ClipEnd()
	pdf.SetLineJoinStyle("miter")
}

// legendBox draws a small key square, hatched for uncovered.
func (d *doc) legendBox(x, y float64, sh shade) {
	pdf := d.pdf
	pdf.SetFillColor(sh.fill[0], sh.fill[1], sh.fill[2])
	pdf.Rect(x, y, 3.5, 3, "F")
	if sh.hatch {
		d.hatchRect(x, y, 3.5, 3)
	}
}

// legendItem writes a key square and its text at x, y; it returns the x
// after it.
func (d *doc) legendItem(x, y float64, sh shade, text string) float64 {
	d.legendBox(x, y+0.6, sh)
	d.font("", 7, ink)
	t := d.tr(text)
	d.pdf.Text(x+4.5, y+3.2, t)
	return x + 4.5 + d.pdf.GetStringWidth(t) + 4
}

// insetBox draws a department without a shape (overseas) as a labelled
// box of its shade.
func (d *doc) insetBox(x, y, w, h float64, code, name string, sh shade) {
	pdf := d.pdf
	pdf.SetDrawColor(mapBorder[0], mapBorder[1], mapBorder[2])
	pdf.SetLineWidth(0.15)
	pdf.SetFillColor(sh.fill[0], sh.fill[1], sh.fill[2])
	pdf.Rect(x, y, w, h, "F")
	if sh.hatch {
		d.hatchRect(x, y, w, h)
	}
	d.font("B", 6.5, ink)
	d.centredText(x+w/2, y+h/2+1, code, true)
	if name != "" {
		d.font("", 5.5, muted)
		d.pdf.SetXY(x+w+0.5, y)
		d.pdf.CellFormat(insetCol-w-0.5, h, d.tr(name), "", 0, "L", false, 0, "")
	}
}

// centredText writes s centred on x at baseline y, on a white plate when
// plate is set so it reads over any fill or hatching.
func (d *doc) centredText(x, y float64, s string, plate bool) {
	pdf := d.pdf
	t := d.tr(s)
	w := pdf.GetStringWidth(t)
	if plate {
		_, size := pdf.GetFontSize() // in mm
		pdf.SetFillColor(255, 255, 255)
		pdf.Rect(x-w/2-0.5, y-size*0.8, w+1, size*1.05, "F") // not RoundedRect: fpdf 0.9 leaves its q open
	}
	pdf.Text(x-w/2, y, t)
}

// mapCredit writes the licence's attribution just above the footer of the
// current page.
func (d *doc) mapCredit() {
	_, pageH := d.pdf.GetPageSize()
	d.font("", 6, muted)
	d.pdf.Text(margin, pageH-margin-1, d.tr(mapT(d.loc, "credit")+mapdata.Credit))
}
