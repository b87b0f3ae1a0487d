package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/goregular"
)

// Names outside Windows-1252 print exactly, in the regular face (the
// competing brands, the reasons) and the bold one (the title, the tables'
// headers), read back through pdftotext.
func TestNamesPrintExactly(t *testing.T) {
	t.Parallel()
	names := []string{"Łódź Biuro Sp. z o.o.", "Škoda Kancelář s.r.o.", "İstanbul Bilişim A.Ş.", "Ørsted Kontor ApS"}
	for _, lang := range []string{"en", "fr"} {
		loc, err := newLocale(lang, "EUR")
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			p := &Partner{ID: "P1", Name: name, Loyalty: "loyal", Mode: "cruise", Coverage: "field",
				PotentialSource: "declared", Brands: []string{name}, CompetingBrands: 1}
			pdf, err := partnerPage(loc, p, october, drawnAt)
			if err != nil {
				t.Fatal(err)
			}
			text := pdfText(t, pdf)
			if n := strings.Count(text, name); n < 2 {
				t.Errorf("%s page shows %q %d times (want the title and the brands):\n%s", lang, name, n, text)
			}
		}
	}
}

// A name with a character beyond the 16-bit plane (an emoji) still gets
// its page, the character as "?", the rest as it is.
func TestNameBeyondBMP(t *testing.T) {
	t.Parallel()
	loc, err := newLocale("fr", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	p := &Partner{ID: "P1", Name: "Café 😀 Bureautique 中文", Loyalty: "loyal", Mode: "cruise", Coverage: "field",
		PotentialSource: "declared"}
	pdf, err := partnerPage(loc, p, october, drawnAt)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, pdf); !strings.Contains(text, "Café ? Bureautique 中文") {
		t.Errorf("page lacks the name:\n%s", text)
	}
}

// The subsets shared between documents change no byte: a page drawn with
// fresh fonts, again with the subset cut for it, and with fonts that keep
// no subset are the same bytes.
func TestSharedFontSameBytes(t *testing.T) {
	t.Parallel()
	p := &Partner{ID: "P7", Name: "Škoda Kancelář s.r.o.", Loyalty: "occasional", Mode: "development",
		Plan: "development", Coverage: "telesales", PotentialSource: "estimated", Share: ptr(0.25)}
	draw := func(loc *locale) []byte {
		t.Helper()
		pdf, err := partnerPage(loc, p, october, drawnAt)
		if err != nil {
			t.Fatal(err)
		}
		return pdf
	}
	loc, err := newLocale("fr", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	first, again := draw(loc), draw(loc)
	if !bytes.Equal(first, again) {
		t.Error("the page drawn with a shared subset differs")
	}
	uncached := *loc
	if uncached.fonts, err = parseFontsCache(0); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, draw(&uncached)) {
		t.Error("the page drawn without shared subsets differs")
	}
}

// Without a subsetter, fpdf cuts the subsets itself (GenerateCutFont)
// through the same compact objects: the names still print exactly, and
// the page looks the same, pixel for pixel, as with fontsubset.go's
// subsets (two cutters written apart agree on every glyph).
func TestFpdfCutter(t *testing.T) {
	t.Parallel()
	loc, err := newLocale("en", "EUR")
	if err != nil {
		t.Fatal(err)
	}
	stripped, err := stripHinting(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	own, err := fpdf.ParseUTF8Font(stripped, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	cut := *loc
	cut.fonts = &fonts{regular: own, bold: loc.fonts.bold, packer: loc.fonts.packer}
	names := "Łódź Biuro Sp. z o.o. Škoda Kancelář s.r.o. İstanbul Bilişim A.Ş. Ørsted Kontor ApS"
	draw := func(loc *locale) []byte {
		d := newDoc(loc, "t", "t", drawnAt)
		d.text(names+" 0123456789 € « » – ’", 9)
		pdf, err := d.bytes()
		if err != nil {
			t.Fatal(err)
		}
		return pdf
	}
	pdf := draw(&cut)
	if text := pdfText(t, pdf); !strings.Contains(text, names) {
		t.Errorf("fpdf's subsets print:\n%s", text)
	}
	theirs, ours := renderPage(t, pdf), renderPage(t, draw(loc))
	b := ours.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if ours.At(x, y) != theirs.At(x, y) {
				t.Fatalf("pixel %d,%d differs: %v with fontsubset.go, %v with fpdf's cutter", x, y, ours.At(x, y), theirs.At(x, y))
			}
		}
	}
}
