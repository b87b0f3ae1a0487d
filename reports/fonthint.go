package reports

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// stripHinting returns a TrueType font without its hinting: the
// instructions of the glyphs and the fpgm, prep and cvt tables.
// PDF viewers scale outlines without them, and they are half of the Go
// fonts' glyph data, so half of every subset a report embeds. The
// outlines are unchanged (TestStripHinting compares them).
func stripHinting(ttf []byte) ([]byte, error) {
	tables, err := readTables(ttf)
	if err != nil {
		return nil, fmt.Errorf("strip hinting: %w", err)
	}
	head, maxp, loca, glyf := tables["head"], tables["maxp"], tables["loca"], tables["glyf"]
	if len(head) < 54 || len(maxp) < 6 || loca == nil || glyf == nil {
		return nil, errors.New("strip hinting: no head, maxp, loca or glyf table")
	}
	long := u16(head, 50) == 1
	glyphs := u16(maxp, 4)
	offset := func(i int) int {
		if long {
			return u32(loca, 4*i)
		}
		return 2 * u16(loca, 2*i)
	}
	if need := (glyphs + 1) * map[bool]int{false: 2, true: 4}[long]; len(loca) < need {
		return nil, errors.New("strip hinting: loca shorter than the glyphs")
	}
	var newGlyf []byte
	offsets := make([]int, 0, glyphs+1)
	for g := range glyphs {
		offsets = append(offsets, len(newGlyf))
		from, to := offset(g), offset(g+1)
		if from > to || to > len(glyf) {
			return nil, fmt.Errorf("strip hinting: glyph %d out of glyf", g)
		}
		data := glyf[from:to]
		if len(data) >= 10 {
			if contours := int(int16(u16(data, 0))); contours >= 0 { // a simple glyph
				at := 10 + 2*contours
				if at+2 > len(data) || at+2+u16(data, at) > len(data) {
					return nil, fmt.Errorf("strip hinting: glyph %d truncated", g)
				}
				rest := data[at+2+u16(data, at):]
				data = append(append(append([]byte{}, data[:at]...), 0, 0), rest...)
			} else { // a composite: its instructions follow the last component
				refs, end, err := components(data)
				if err != nil {
					return nil, fmt.Errorf("strip hinting: glyph %d: %w", g, err)
				}
				if last := refs[len(refs)-1].flagsAt; u16(data, last)&compInstructions != 0 {
					data = append([]byte{}, data[:end]...)
					binary.BigEndian.PutUint16(data[last:], uint16(u16(data, last)&^compInstructions))
				}
			}
		}
		newGlyf = append(newGlyf, data...)
		for len(newGlyf)%4 != 0 {
			newGlyf = append(newGlyf, 0)
		}
	}
	offsets = append(offsets, len(newGlyf))
	newLoca := make([]byte, 0, len(offsets)*4)
	for _, o := range offsets {
		if long {
			newLoca = binary.BigEndian.AppendUint32(newLoca, uint32(o))
		} else {
			newLoca = binary.BigEndian.AppendUint16(newLoca, uint16(o/2))
		}
	}
	if !long && len(newGlyf)/2 > 0xFFFF {
		return nil, errors.New("strip hinting: glyf too large for a short loca")
	}
	tables["glyf"], tables["loca"] = newGlyf, newLoca
	for _, tag := range []string{"fpgm", "prep", "cvt "} {
		delete(tables, tag)
	}
	head = append([]byte{}, head...)
	binary.BigEndian.PutUint32(head[8:], 0) // checkSumAdjustment, set below
	tables["head"] = head
	return assembleFont(tables), nil
}

// assembleFont writes a TrueType file of the tables, sorted by tag, with
// their checksums and the head's checksum adjustment.
func assembleFont(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for tag := range tables {
		tags = append(tags, tag)
	}
	sort.Strings(tags)
	n := len(tags)
	search := 1
	selector := 0
	for search*2 <= n {
		search *= 2
		selector++
	}
	out := binary.BigEndian.AppendUint32(nil, 0x00010000)
	out = binary.BigEndian.AppendUint16(out, uint16(n))
	out = binary.BigEndian.AppendUint16(out, uint16(search*16))
	out = binary.BigEndian.AppendUint16(out, uint16(selector))
	out = binary.BigEndian.AppendUint16(out, uint16(n*16-search*16))
	at := 12 + 16*n
	headAt := 0
	for _, tag := range tags {
		t := tables[tag]
		if tag == "head" {
			headAt = at
		}
		out = append(out, tag...)
		out = binary.BigEndian.AppendUint32(out, checksum(t))
		out = binary.BigEndian.AppendUint32(out, uint32(at))
		out = binary.BigEndian.AppendUint32(out, uint32(len(t)))
		at += (len(t) + 3) &^ 3
	}
	for _, tag := range tags {
		out = append(out, tables[tag]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	return out
}

// checksum is the TrueType table checksum: the sum of its big-endian
// uint32s, the last one padded with zeros.
func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}

func u16(b []byte, at int) int { return int(binary.BigEndian.Uint16(b[at:])) }
func u32(b []byte, at int) int { return int(binary.BigEndian.Uint32(b[at:])) }

// readTables reads a TrueType file's table directory: each table's bytes
// by tag, slices of ttf.
func readTables(ttf []byte) (map[string][]byte, error) {
	if len(ttf) < 12 {
		return nil, errors.New("not a TrueType font")
	}
	n := u16(ttf, 4)
	if len(ttf) < 12+16*n {
		return nil, errors.New("truncated table directory")
	}
	tables := map[string][]byte{}
	for i := range n {
		rec := 12 + 16*i
		tag, off, size := string(ttf[rec:rec+4]), u32(ttf, rec+8), u32(ttf, rec+12)
		if off+size > len(ttf) {
			return nil, fmt.Errorf("table %q out of the file", tag)
		}
		tables[tag] = ttf[off : off+size]
	}
	return tables, nil
}

// Flags of a composite glyph's component.
const (
	compWords        = 0x0001 // the offsets are words, not bytes
	compScale        = 0x0008
	compMore         = 0x0020
	compXYScale      = 0x0040
	comp2x2          = 0x0080
	compInstructions = 0x0100 // instructions follow the last component
)

// component is a reference of a composite glyph to another glyph: where
// its flags and its glyph id are in the glyph's data.
type component struct{ flagsAt, glyph int }

// components lists the components of a composite glyph's data and where
// they end (where the instructions begin, if any).
func components(data []byte) ([]component, int, error) {
	var refs []component
	at := 10
	for {
		if at+4 > len(data) {
			return nil, 0, errors.New("composite glyph truncated")
		}
		flags := u16(data, at)
		refs = append(refs, component{flagsAt: at, glyph: u16(data, at+2)})
		at += 4
		if flags&compWords != 0 {
			at += 4
		} else {
			at += 2
		}
		switch {
		case flags&compScale != 0:
			at += 2
		case flags&compXYScale != 0:
			at += 4
		case flags&comp2x2 != 0:
			at += 8
		}
		if at > len(data) {
			return nil, 0, errors.New("composite glyph truncated")
		}
		if flags&compMore == 0 {
			return refs, at, nil
		}
	}
}
