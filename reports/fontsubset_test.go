package reports

import (
	"encoding/binary"
	"reflect"
	"slices"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// A subset holds, for each rune, the glyph of the full font: same outline
// (composites with their components), same advance, reached through the
// subset's cmap too; the tables PDF needs and no others; a valid checksum.
func TestSubset(t *testing.T) {
	t.Parallel()
	text := "Łódź Biuro Sp. z o.o. Škoda Kancelář s.r.o. İstanbul Bilişim A.Ş. Ørsted Kontor ApS 0123456789 € « » – ’"
	for name, ttf := range map[string][]byte{"regular": goregular.TTF, "bold": gobold.TTF} {
		stripped, err := stripHinting(ttf)
		if err != nil {
			t.Fatal(err)
		}
		s, err := newSubsetter(stripped)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		full, err := sfnt.Parse(stripped)
		if err != nil {
			t.Fatal(err)
		}
		var runes []int
		for _, r := range text {
			if !slices.Contains(runes, int(r)) {
				runes = append(runes, int(r))
			}
		}
		slices.Sort(runes)
		sub, gids, err := s.subset(runes)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if checksum(sub) != 0xB1B0AFBA {
			t.Errorf("%s: checksum %#x", name, checksum(sub))
		}
		tables, err := readTables(sub)
		if err != nil {
			t.Fatal(err)
		}
		var tags []string
		for tag := range tables {
			tags = append(tags, tag)
		}
		slices.Sort(tags)
		if want := []string{"cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "post"}; !slices.Equal(tags, want) {
			t.Errorf("%s: tables %q, want %q", name, tags, want)
		}
		part, err := sfnt.Parse(sub)
		if err != nil {
			t.Fatalf("%s subset: %v", name, err)
		}
		// Every rune's glyph plus .notdef (the Go fonts draw their
		// accented letters whole, without components).
		if n := part.NumGlyphs(); n != len(runes)+1 {
			t.Errorf("%s: %d glyphs for %d runes", name, n, len(runes))
		}
		var b1, b2 sfnt.Buffer
		ppem := fixed.I(1000)
		for i, r := range runes {
			g, _ := full.GlyphIndex(&b1, rune(r))
			if g == 0 || gids[i] == 0 {
				t.Fatalf("%s: %q has no glyph (%d, %d)", name, rune(r), g, gids[i])
			}
			if via, _ := part.GlyphIndex(&b2, rune(r)); via != sfnt.GlyphIndex(gids[i]) {
				t.Errorf("%s: the subset's cmap gives %q glyph %d, want %d", name, rune(r), via, gids[i])
			}
			o1, err1 := full.LoadGlyph(&b1, g, ppem, nil)
			o2, err2 := part.LoadGlyph(&b2, sfnt.GlyphIndex(gids[i]), ppem, nil)
			if err1 != nil || err2 != nil || !reflect.DeepEqual(o1, o2) {
				t.Errorf("%s: outline of %q differs (%v, %v)", name, rune(r), err1, err2)
			}
			a1, _ := full.GlyphAdvance(&b1, g, ppem, font.HintingNone)
			a2, _ := part.GlyphAdvance(&b2, sfnt.GlyphIndex(gids[i]), ppem, font.HintingNone)
			if a1 != a2 {
				t.Errorf("%s: advance of %q %v, then %v", name, rune(r), a1, a2)
			}
		}
	}
}

// A composite glyph comes with its components, renumbered (the Go fonts
// have none: the test makes Z the composite of A and of B moved right).
func TestSubsetComposite(t *testing.T) {
	t.Parallel()
	stripped, err := stripHinting(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSubsetter(stripped)
	if err != nil {
		t.Fatal(err)
	}
	full, err := sfnt.Parse(stripped)
	if err != nil {
		t.Fatal(err)
	}
	var b sfnt.Buffer
	glyph := func(r rune) int {
		g, err := full.GlyphIndex(&b, r)
		if err != nil || g == 0 {
			t.Fatalf("no glyph for %q", r)
		}
		return int(g)
	}
	a, bb, z := glyph('A'), glyph('B'), glyph('Z')
	comp := binary.BigEndian.AppendUint16(nil, 0xFFFF) // -1 contours
	comp = append(comp, s.glyf[s.offsets[a]+2:s.offsets[a]+10]...)
	for _, v := range []int{compWords | 0x0002 | compMore, a, 0, 0, compWords | 0x0002, bb, 600, 0} {
		comp = binary.BigEndian.AppendUint16(comp, uint16(v))
	}
	// Z's data replaced by the composite, the glyphs after it moved.
	glyf := slices.Concat(s.glyf[:s.offsets[z]], comp, s.glyf[s.offsets[z+1]:])
	offsets := slices.Clone(s.offsets)
	for g := z + 1; g < len(offsets); g++ {
		offsets[g] += len(comp) - (s.offsets[z+1] - s.offsets[z])
	}
	c := *s
	c.glyf, c.offsets = glyf, offsets
	sub, gids, err := c.subset([]int{'Z'})
	if err != nil {
		t.Fatal(err)
	}
	part, err := sfnt.Parse(sub)
	if err != nil {
		t.Fatal(err)
	}
	if part.NumGlyphs() != 4 {
		t.Fatalf("%d glyphs, want .notdef, Z, A and B", part.NumGlyphs())
	}
	ppem := fixed.I(1000)
	segs := func(f *sfnt.Font, g int) int {
		out, err := f.LoadGlyph(&b, sfnt.GlyphIndex(g), ppem, nil)
		if err != nil {
			t.Fatalf("glyph %d: %v", g, err)
		}
		return len(out)
	}
	if got, want := segs(part, int(gids[0])), segs(full, a)+segs(full, bb); got != want {
		t.Errorf("composite Z has %d segments, want A's and B's %d", got, want)
	}
}

// .notdef (a box) keeps its outline only when a rune lacks a glyph.
func TestSubsetNotdef(t *testing.T) {
	t.Parallel()
	stripped, err := stripHinting(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSubsetter(stripped)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		runes   []int
		outline bool
	}{{[]int{'A', 'b'}, false}, {[]int{'A', 'b', '中'}, true}} {
		sub, gids, err := s.subset(c.runes)
		if err != nil {
			t.Fatal(err)
		}
		part, err := sfnt.Parse(sub)
		if err != nil {
			t.Fatal(err)
		}
		var b sfnt.Buffer
		segs, err := part.LoadGlyph(&b, 0, fixed.I(1000), nil)
		if err != nil {
			t.Fatal(err)
		}
		if (len(segs) > 0) != c.outline {
			t.Errorf("runes %v (glyphs %v): .notdef has %d segments", c.runes, gids, len(segs))
		}
	}
}

func TestSubsetterErrors(t *testing.T) {
	t.Parallel()
	stripped, err := stripHinting(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := readTables(stripped)
	if err != nil {
		t.Fatal(err)
	}
	noName := map[string][]byte{}
	for tag, b := range tables {
		if tag != "name" {
			noName[tag] = b
		}
	}
	for name, b := range map[string][]byte{
		"short":     []byte("true"),
		"truncated": stripped[:len(stripped)/3],
		"no name":   assembleFont(noName),
	} {
		if _, err := newSubsetter(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
