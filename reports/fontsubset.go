package reports

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/image/font/sfnt"
)

// subsetter cuts, from a TrueType font without hinting, the font program
// a document embeds: the glyphs of the runes it uses (and their
// composites' components), and only the tables a PDF viewer reads. fpdf's
// own cutter keeps the whole name table (7 KB of the Go fonts' licence
// and description, a third of a subset) and every subset held the glyphs
// of a fixed base of runes so that documents shared it; a partner page
// uses about 60 glyphs a face of the 145 of that base.
type subsetter struct {
	font    *sfnt.Font // for its cmap
	glyf    []byte
	offsets []int    // glyph g is glyf[offsets[g]:offsets[g+1]]
	metrics [][2]int // advance and left side bearing of each glyph
	keep    [][]byte // by keepTags
	name    []byte   // shortName
}

// keepTags are the tables copied into a subset (with the subset's counts;
// post cut to its version 3 header, without glyph names); cmap, glyf,
// hmtx, loca and name are made for it. A PDF viewer reads head, hhea,
// maxp, loca, glyf and hmtx (the tables PDF requires of an embedded
// TrueType font: cvt, fpgm and prep went with the hinting); cmap, name
// (its copyright and family) and post keep it a TrueType font that font
// parsers open (Go's sfnt refuses one without post). OS/2, which only an
// operating system's font manager reads, is left out, as PDF subsetters
// do (allsorts' PDF profile; Typst's leaves out cmap too).
var keepTags = []string{"head", "hhea", "maxp", "post"}

// newSubsetter parses a font without hinting (stripHinting) once.
func newSubsetter(ttf []byte) (*subsetter, error) {
	tables, err := readTables(ttf)
	if err != nil {
		return nil, err
	}
	head, hhea, maxp, loca, hmtx := tables["head"], tables["hhea"], tables["maxp"], tables["loca"], tables["hmtx"]
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 || loca == nil || hmtx == nil || tables["glyf"] == nil || len(tables["post"]) < 32 {
		return nil, errors.New("no head, hhea, maxp, loca, hmtx, glyf or post table")
	}
	s := &subsetter{glyf: tables["glyf"]}
	if s.font, err = sfnt.Parse(ttf); err != nil {
		return nil, err
	}
	glyphs, long, hmetrics := u16(maxp, 4), u16(head, 50) == 1, u16(hhea, 34)
	if need := (glyphs + 1) * map[bool]int{false: 2, true: 4}[long]; len(loca) < need {
		return nil, errors.New("loca shorter than the glyphs")
	}
	if hmetrics == 0 || hmetrics > glyphs || len(hmtx) < 4*hmetrics+2*(glyphs-hmetrics) {
		return nil, errors.New("hmtx shorter than the glyphs")
	}
	for g := range glyphs + 1 {
		o := 2 * u16(loca, 2*g)
		if long {
			o = u32(loca, 4*g)
		}
		if o > len(s.glyf) || g > 0 && o < s.offsets[g-1] {
			return nil, fmt.Errorf("glyph %d out of glyf", g)
		}
		s.offsets = append(s.offsets, o)
	}
	for g := range glyphs {
		if g < hmetrics {
			s.metrics = append(s.metrics, [2]int{u16(hmtx, 4*g), u16(hmtx, 4*g+2)})
		} else {
			s.metrics = append(s.metrics, [2]int{u16(hmtx, 4*(hmetrics-1)), u16(hmtx, 4*hmetrics+2*(g-hmetrics))})
		}
	}
	for _, tag := range keepTags {
		s.keep = append(s.keep, tables[tag])
	}
	s.keep[len(keepTags)-1] = append(binary.BigEndian.AppendUint32(nil, 0x00030000), tables["post"][4:32]...)
	if s.name, err = shortName(tables["name"]); err != nil {
		return nil, err
	}
	return s, nil
}

// subset makes the font program of the glyphs of runes (ascending,
// distinct, of the 16-bit plane): .notdef first (without its outline when
// every rune has a glyph), then the runes' glyphs in their order, then the
// components of composites. gids gives each rune's
// glyph in it, 0 for a rune the font lacks. Safe for concurrent use.
func (s *subsetter) subset(runes []int) (ttf []byte, gids []uint16, err error) {
	var buf sfnt.Buffer
	ids := make([]uint16, len(s.metrics)) // the font's glyph id -> the subset's; 0: not yet (but .notdef)
	order := []int{0}
	add := func(g int) uint16 {
		if g != 0 && ids[g] == 0 {
			ids[g] = uint16(len(order))
			order = append(order, g)
		}
		return ids[g]
	}
	gids = make([]uint16, len(runes))
	missing := false // a rune the font lacks prints .notdef, a box
	for i, r := range runes {
		g, err := s.font.GlyphIndex(&buf, rune(r))
		if err != nil {
			return nil, nil, fmt.Errorf("subset: glyph of %U: %w", r, err)
		}
		if int(g) >= len(s.metrics) {
			return nil, nil, fmt.Errorf("subset: glyph %d of %U beyond the font", g, r)
		}
		gids[i] = add(int(g))
		missing = missing || g == 0
	}
	var glyf []byte
	loca := make([]int, 0, len(order)+1)
	for i := 0; i < len(order); i++ { // order grows with the components
		data := s.glyf[s.offsets[order[i]]:s.offsets[order[i]+1]]
		if i == 0 && !missing {
			data = nil // .notdef is drawn for nothing: no outline
		}
		loca = append(loca, len(glyf))
		at := len(glyf)
		glyf = append(glyf, data...)
		if len(data) >= 10 && int16(u16(data, 0)) < 0 {
			refs, _, err := components(data)
			if err != nil {
				return nil, nil, fmt.Errorf("subset: glyph %d: %w", order[i], err)
			}
			for _, c := range refs {
				if c.glyph >= len(s.metrics) {
					return nil, nil, fmt.Errorf("subset: glyph %d: component %d beyond the font", order[i], c.glyph)
				}
				binary.BigEndian.PutUint16(glyf[at+c.flagsAt+2:], add(c.glyph))
			}
		}
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
	}
	loca = append(loca, len(glyf))
	n := len(order)
	tables := map[string][]byte{"glyf": glyf, "name": s.name, "cmap": cmap4(runes, gids)}
	long := len(glyf)/2 > 0xFFFF
	var l []byte
	for _, o := range loca {
		if long {
			l = binary.BigEndian.AppendUint32(l, uint32(o))
		} else {
			l = binary.BigEndian.AppendUint16(l, uint16(o/2))
		}
	}
	tables["loca"] = l
	hmtx := make([]byte, 0, 4*n)
	for _, g := range order {
		hmtx = binary.BigEndian.AppendUint16(hmtx, uint16(s.metrics[g][0]))
		hmtx = binary.BigEndian.AppendUint16(hmtx, uint16(s.metrics[g][1]))
	}
	tables["hmtx"] = hmtx
	for i, tag := range keepTags {
		if s.keep[i] != nil {
			tables[tag] = append([]byte{}, s.keep[i]...)
		}
	}
	binary.BigEndian.PutUint32(tables["head"][8:], 0) // checkSumAdjustment: assembleFont sets it
	binary.BigEndian.PutUint16(tables["head"][50:], map[bool]uint16{false: 0, true: 1}[long])
	binary.BigEndian.PutUint16(tables["hhea"][34:], uint16(n))
	binary.BigEndian.PutUint16(tables["maxp"][4:], uint16(n))
	return assembleFont(tables), gids, nil
}

// cmap4 is a cmap table (Windows, Unicode BMP, format 4) mapping the runes
// to their glyphs in a subset: viewers read glyphs through the PDF's
// CIDToGIDMap, but a font program without cmap is not a valid TrueType
// font. Consecutive runes with consecutive glyphs share a segment.
func cmap4(runes []int, gids []uint16) []byte {
	type segment struct{ start, end, delta int }
	var segs []segment
	for i, r := range runes {
		if gids[i] == 0 || r > 0xFFFE {
			continue
		}
		delta := int(gids[i]) - r
		if k := len(segs) - 1; k >= 0 && segs[k].end == r-1 && segs[k].delta == delta {
			segs[k].end = r
			continue
		}
		segs = append(segs, segment{r, r, delta})
	}
	segs = append(segs, segment{0xFFFF, 0xFFFF, 1}) // the required last segment
	n := len(segs)
	search, selector := 1, 0
	for search*2 <= n {
		search *= 2
		selector++
	}
	b := binary.BigEndian.AppendUint16(nil, 0) // version
	b = binary.BigEndian.AppendUint16(b, 1)    // one subtable
	b = binary.BigEndian.AppendUint16(b, 3)    // Windows
	b = binary.BigEndian.AppendUint16(b, 1)    // Unicode BMP
	b = binary.BigEndian.AppendUint32(b, 12)   // its offset
	b = binary.BigEndian.AppendUint16(b, 4)    // format
	b = binary.BigEndian.AppendUint16(b, uint16(16+8*n))
	b = binary.BigEndian.AppendUint16(b, 0) // language
	b = binary.BigEndian.AppendUint16(b, uint16(2*n))
	b = binary.BigEndian.AppendUint16(b, uint16(2*search))
	b = binary.BigEndian.AppendUint16(b, uint16(selector))
	b = binary.BigEndian.AppendUint16(b, uint16(2*n-2*search))
	for _, s := range segs {
		b = binary.BigEndian.AppendUint16(b, uint16(s.end))
	}
	b = binary.BigEndian.AppendUint16(b, 0) // reservedPad
	for _, s := range segs {
		b = binary.BigEndian.AppendUint16(b, uint16(s.start))
	}
	for _, s := range segs {
		b = binary.BigEndian.AppendUint16(b, uint16(s.delta))
	}
	for range segs {
		b = binary.BigEndian.AppendUint16(b, 0) // idRangeOffset: none
	}
	return b
}

// shortName keeps of a name table the Windows English records of the
// copyright notice, the family and the PostScript name: the rest of the Go fonts' name table is their licence
// text and a description (7 KB, a third of a subset; the licence is with
// the golang.org/x/image module and credited in the README).
func shortName(name []byte) ([]byte, error) {
	if len(name) < 6 {
		return nil, errors.New("no name table")
	}
	count, store := u16(name, 2), u16(name, 4)
	if len(name) < 6+12*count {
		return nil, errors.New("name table truncated")
	}
	type record struct {
		id   int
		text []byte
	}
	var keep []record
	for i := range count {
		r := name[6+12*i:]
		platform, encoding, lang, id, length, off := u16(r, 0), u16(r, 2), u16(r, 4), u16(r, 6), u16(r, 8), u16(r, 10)
		if platform != 3 || encoding != 1 || lang != 0x409 {
			continue
		}
		switch id {
		case 0, 1, 6: // copyright, family, PostScript name
		default:
			continue
		}
		if store+off+length > len(name) {
			return nil, fmt.Errorf("name record %d out of the table", id)
		}
		keep = append(keep, record{id, name[store+off : store+off+length]})
	}
	if len(keep) == 0 {
		return nil, errors.New("no Windows English names")
	}
	b := binary.BigEndian.AppendUint16(nil, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(len(keep)))
	b = binary.BigEndian.AppendUint16(b, uint16(6+12*len(keep)))
	off := 0
	for _, r := range keep { // already sorted by id, as in the font
		for _, v := range []int{3, 1, 0x409, r.id, len(r.text), off} {
			b = binary.BigEndian.AppendUint16(b, uint16(v))
		}
		off += len(r.text)
	}
	for _, r := range keep {
		b = append(b, r.text...)
	}
	return b, nil
}
