package reports

import (
	"github.com/channelscope/channelscope/reports/mapdata"
)

// Layout of a region's map (mm): the zoom on the region at left, France
// with the region and the zoom's frame at right, the key under it.
const (
	regionMapW, regionMapH = 120.0, 72.0
	locatorW               = 50.0
	regionMapPad           = 0.08 // of the region's size, on every side
)

// regionMap draws the region's departments coloured by flag and labelled
// with their codes, its neighbours light grey, zoomed on the region and
// framed on a small map of France; departments without a shape (overseas)
// are labelled boxes. It returns the zoom's view (tests sample it).
func (d *doc) regionMap(rows []departmentRow) mapView {
	m, err := mapdata.France()
	if err != nil || len(rows) == 0 {
		return mapView{} // the geometry is embedded and tested: only no data lands here
	}
	pdf := d.pdf
	loc := d.loc
	flags := make(map[string]string, len(rows))
	var box mapdata.Box
	var shapes []mapdata.Shape
	var overseas []departmentRow
	for _, r := range rows {
		flags[r.Code] = r.Flag
		if s, ok := m.Shape(r.Code); ok {
			box = box.Union(s.Box)
			shapes = append(shapes, s)
		} else {
			overseas = append(overseas, r)
		}
	}
	if len(shapes) == 0 {
		d.overseasMap(overseas)
		return mapView{}
	}
	d.section(mapT(loc, "region_map"), regionMapH+8)
	x, y, w, h := margin, d.pdf.GetY()+1, regionMapW, regionMapH
	pdf.SetDrawColor(muted[0], muted[1], muted[2])
	pdf.SetLineWidth(0.2)
	pdf.Rect(x, y, w, h, "D")
	var zoom mapView
	if len(shapes) > 0 {
		pad := regionMapPad * max(box.W(), box.H())
		box = mapdata.Box{Min: mapdata.Point{X: box.Min.X - pad, Y: box.Min.Y - pad}, Max: mapdata.Point{X: box.Max.X + pad, Y: box.Max.Y + pad}}
		zoom = fitView(box, x, y, w, h)
		d.drawMap(m, zoom, x, y, w, h, func(code string) (shade, bool) {
			f, ok := flags[code]
			if !ok {
				return shade{}, false
			}
			return flagShade(f)
		})
		// The region's outline in ink over the white borders, then the codes.
		pdf.ClipRect(x, y, w, h, false)
		pdf.SetDrawColor(ink[0], ink[1], ink[2])
		pdf.SetLineWidth(0.35)
		pdf.SetLineJoinStyle("round")
		for _, s := range shapes {
			d.tracePath(s, zoom)
			pdf.DrawPath("D")
		}
		pdf.SetLineJoinStyle("miter")
		d.regionLabels(shapes, zoom)
		pdf.ClipEnd()
	}
	// Overseas departments: labelled boxes in the zoom's frame.
	for i, r := range overseas {
		sh, ok := flagShade(r.Flag)
		if !ok {
			sh = shade{fill: mapOther}
		}
		d.insetBox(x+4, y+4+float64(i)*12, 16, 10, r.Code, r.Name, sh)
	}
	// France, the region in the accent colour, the zoom's frame.
	lx := margin + contentW - locatorW
	lh := locatorW * m.Bounds.H() / m.Bounds.W()
	france := fitView(m.Bounds, lx, y, locatorW, lh)
	d.drawMap(m, france, lx, y, locatorW, lh, func(code string) (shade, bool) {
		_, ok := flags[code]
		return shade{fill: accent}, ok
	})
	if len(shapes) > 0 {
		ax, ay := france.at(box.Min)
		bx, by := france.at(box.Max)
		pdf.SetDrawColor(ink[0], ink[1], ink[2])
		pdf.SetLineWidth(0.3)
		pdf.Rect(ax, ay, bx-ax, by-ay, "D")
	}
	// The key.
	ky := y + lh + 2
	for _, f := range flagOrder {
		sh, _ := flagShade(f)
		d.legendItem(lx, ky, sh, flagLabel(loc, f))
		ky += 4.2
	}
	d.legendItem(lx, ky, shade{fill: mapOther}, mapT(loc, "other_departments"))
	d.mapCredit()
	pdf.SetXY(margin, y+h+3)
	return zoom
}

// regionLabels writes each department's code on its label point, moved
// up or down when it would cover a code already written (small
// departments side by side, as around Paris).
func (d *doc) regionLabels(shapes []mapdata.Shape, v mapView) {
	d.font("B", 6.5, ink)
	const h = 2.6 // a plate's height
	var placed [][4]float64
	free := func(x, y, w float64) bool {
		for _, p := range placed {
			if x-w/2 < p[0]+p[2]/2 && p[0]-p[2]/2 < x+w/2 && y-h < p[1] && p[1]-h < y {
				return false
			}
		}
		return true
	}
	for _, s := range shapes {
		x, y := v.at(s.Label)
		y++
		w := d.pdf.GetStringWidth(s.Code) + 1
		for _, dy := range []float64{0, h, -h, 2 * h, -2 * h} {
			if free(x, y+dy, w) {
				y += dy
				break
			}
		}
		placed = append(placed, [4]float64{x, y, w})
		d.centredText(x, y, s.Code, true)
	}
}

// overseasMap draws a region with no shape (overseas) as one labelled
// box per department, coloured by flag.
func (d *doc) overseasMap(rows []departmentRow) {
	const w, h = 44.0, 22.0
	d.section(mapT(d.loc, "region_map"), h+8)
	y := d.pdf.GetY() + 1
	for i, r := range rows {
		sh, ok := flagShade(r.Flag)
		if !ok {
			sh = shade{fill: mapOther}
		}
		x := margin + float64(i)*(w+4)
		d.insetBox(x, y, w, h, r.Code, "", sh)
		d.font("", 7.5, ink)
		d.centredText(x+w/2, y+h+4, r.Name+" · "+flagLabel(d.loc, r.Flag), false)
	}
	d.pdf.SetXY(margin, y+h+7) // no credit: no shape of the package is drawn
}
