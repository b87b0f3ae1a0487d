package reports

import (
	"encoding/binary"
	"reflect"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Stripping the hinting keeps every glyph's outline and advance, drops
// the hinting tables and makes a smaller file.
func TestStripHinting(t *testing.T) {
	t.Parallel()
	for name, ttf := range map[string][]byte{"regular": goregular.TTF, "bold": gobold.TTF} {
		stripped, err := stripHinting(ttf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(stripped) >= len(ttf)*3/4 {
			t.Errorf("%s: %d bytes stripped of %d, want a quarter less at least", name, len(stripped), len(ttf))
		}
		n := int(binary.BigEndian.Uint16(stripped[4:]))
		for i := range n {
			switch tag := string(stripped[12+16*i : 12+16*i+4]); tag {
			case "fpgm", "prep", "cvt ":
				t.Errorf("%s: table %q left", name, tag)
			}
		}
		if checksum(stripped) != 0xB1B0AFBA {
			t.Errorf("%s: the file's checksum is %#x, want 0xB1B0AFBA", name, checksum(stripped))
		}
		before, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		after, err := sfnt.Parse(stripped)
		if err != nil {
			t.Fatalf("%s stripped: %v", name, err)
		}
		if before.NumGlyphs() != after.NumGlyphs() {
			t.Fatalf("%s: %d glyphs, then %d", name, before.NumGlyphs(), after.NumGlyphs())
		}
		var b1, b2 sfnt.Buffer
		ppem := fixed.I(1000)
		for g := range before.NumGlyphs() {
			x := sfnt.GlyphIndex(g)
			s1, err1 := before.LoadGlyph(&b1, x, ppem, nil)
			s2, err2 := after.LoadGlyph(&b2, x, ppem, nil)
			if (err1 == nil) != (err2 == nil) || !reflect.DeepEqual(s1, s2) {
				t.Fatalf("%s: glyph %d outline differs (%v, %v)", name, g, err1, err2)
			}
			a1, _ := before.GlyphAdvance(&b1, x, ppem, font.HintingNone)
			a2, _ := after.GlyphAdvance(&b2, x, ppem, font.HintingNone)
			if a1 != a2 {
				t.Fatalf("%s: glyph %d advance %v, then %v", name, g, a1, a2)
			}
		}
	}
}

func TestStripHintingErrors(t *testing.T) {
	t.Parallel()
	for name, b := range map[string][]byte{
		"short":     []byte("true"),
		"truncated": append([]byte{0, 1, 0, 0, 0, 9}, make([]byte, 20)...),
		"cut glyf":  goregular.TTF[:len(goregular.TTF)/2],
	} {
		if _, err := stripHinting(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
