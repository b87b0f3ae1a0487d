package reports

import (
	"fmt"
	"strings"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// fontFamily is the embedded Unicode font of every report: the Go fonts
// (BSD licence, shipped as Go byte slices), which cover WGL4: the Latin
// letters of every European language (Ł, Š, ř, İ, ş, Ø...), Greek,
// Cyrillic, €, no-break spaces and typographic punctuation. Each document
// embeds the subset of the glyphs it uses.
const fontFamily = "go"

// fontCuts bounds the subsets a face keeps for reuse (one per distinct set
// of runes a document uses; a subset is about 6 KB). A partner page uses
// its own set (its name, its figures), so they serve mostly the documents
// drawn again.
const fontCuts = 256

// fonts are the faces, parsed once per Renderer and shared by its
// documents (the fpdf patch in third_party/fpdf: parsing per document
// cost five times the drawing of a partner page).
type fonts struct {
	regular, bold *fpdf.UTF8Font
	packer        *packer // packs the documents written in them (pdfpack.go)
}

func parseFonts() (*fonts, error) { return parseFontsCache(fontCuts) }

// parseFontsCache parses the faces, without their hinting
// (stripHinting), keeping up to cuts subsets each; the subsets are cut by
// fontsubset.go.
func parseFontsCache(cuts int) (*fonts, error) {
	parse := func(name string, ttf []byte) (*fpdf.UTF8Font, error) {
		stripped, err := stripHinting(ttf)
		if err != nil {
			return nil, fmt.Errorf("%s font: %w", name, err)
		}
		s, err := newSubsetter(stripped)
		if err != nil {
			return nil, fmt.Errorf("%s font: %w", name, err)
		}
		f, err := fpdf.ParseUTF8Font(stripped, s.subset, cuts)
		if err != nil {
			return nil, fmt.Errorf("%s font: %w", name, err)
		}
		return f, nil
	}
	regular, err := parse("Go Regular", goregular.TTF)
	if err != nil {
		return nil, err
	}
	bold, err := parse("Go Bold", gobold.TTF)
	if err != nil {
		return nil, err
	}
	return &fonts{regular: regular, bold: bold, packer: &packer{}}, nil
}

// add registers the faces with a document.
func (f *fonts) add(pdf *fpdf.Fpdf) {
	pdf.AddUTF8FontParsed(fontFamily, "", f.regular)
	pdf.AddUTF8FontParsed(fontFamily, "B", f.bold)
}

// bmpOnly replaces the characters beyond the Basic Multilingual Plane
// (emoji, historic scripts) with "?": fpdf's UTF-8 fonts index widths by
// 16-bit code and refuse the whole document for one of them. A character
// of the plane that the Go fonts lack prints as an empty box, and
// pdftotext still reads it.
func bmpOnly(s string) string {
	for _, r := range s {
		if r > 0xFFFF {
			return strings.Map(func(r rune) rune {
				if r > 0xFFFF {
					return '?'
				}
				return r
			}, s)
		}
	}
	return s
}
