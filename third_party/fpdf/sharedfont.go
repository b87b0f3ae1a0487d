// channelscope patch: a UTF-8 TrueType font parsed once per process and
// added to many documents, each of which embeds a small subset: the
// glyphs it uses, cut by a subsetter the caller may give, a /W array of
// those glyphs only, a CIDToGIDMap up to the last rune used, and one
// compressed ToUnicode CMap for all the shared fonts of a document.
// AddUTF8FontFromBytes parses the font, hashes its 65,536 widths through
// JSON for every document, and writes a subset of at least the first 57
// codes with the font's whole name table, a 128 KB CIDToGIDMap and the
// widths of every code below 256 (generateCIDFontMap, a third of the time
// of a one-page document).

package fpdf

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/zlib"
)

// UTF8Subsetter cuts from a font the program of a subset holding the
// glyphs of runes (ascending, distinct, below 0x10000) and gives the glyph
// id of each rune in it (0 for a rune the font lacks). It must give the
// same bytes for the same runes and be safe for concurrent use.
type UTF8Subsetter func(runes []int) (ttf []byte, gids []uint16, err error)

// UTF8Font is a TrueType font parsed once. It is safe for concurrent use
// by documents on several goroutines; its bytes must not change.
type UTF8Font struct {
	desc   FontDescType
	up     int
	ut     int
	cw     []int // read only
	id     string
	subset UTF8Subsetter
	cache  int    // how many cuts to keep
	cmapZ  []byte // the compressed ToUnicode CMap

	mu   sync.Mutex
	cuts map[string]*utf8Cut
}

// ParseUTF8Font parses a TrueType font for AddUTF8FontParsed. subset cuts
// the subsets (nil: fpdf's own cutter); it keeps up to cache subsets (one
// per distinct set of runes) for reuse.
func ParseUTF8Font(ttf []byte, subset UTF8Subsetter, cache int) (*UTF8Font, error) {
	u := newUTF8Font(&fileReader{array: ttf})
	if err := u.parseFile(); err != nil {
		return nil, fmt.Errorf("parse TrueType font: %w", err)
	}
	if subset == nil {
		subset = cutter(ttf)
	}
	sum := sha1.Sum(ttf)
	return &UTF8Font{
		desc: FontDescType{
			Ascent:       int(u.Ascent),
			Descent:      int(u.Descent),
			CapHeight:    u.CapHeight,
			Flags:        u.Flags,
			FontBBox:     u.Bbox,
			ItalicAngle:  u.ItalicAngle,
			StemV:        u.StemV,
			MissingWidth: round(u.DefaultWidth),
		},
		up:     int(round(u.UnderlinePosition)),
		ut:     round(u.UnderlineThickness),
		cw:     u.CharWidths,
		id:     hex.EncodeToString(sum[:]),
		subset: subset,
		cache:  cache,
		cmapZ:  compressFont([]byte(toUnicode)),
		cuts:   map[string]*utf8Cut{},
	}, nil
}

// cutter is fpdf's own subsetting as a UTF8Subsetter.
func cutter(ttf []byte) UTF8Subsetter {
	return func(runes []int) ([]byte, []uint16, error) {
		used := make(map[int]int, len(runes))
		for _, r := range runes {
			used[r] = r
		}
		// A file of its own: cutting moves the reader and fills the tables.
		file := newUTF8Font(&fileReader{array: ttf})
		stream := file.GenerateCutFont(used)
		if stream == nil {
			return nil, nil, fmt.Errorf("cut TrueType font: no usable cmap")
		}
		gids := make([]uint16, len(runes))
		for i, r := range runes {
			gids[i] = uint16(file.CodeSymbolDictionary[r])
		}
		return stream, gids, nil
	}
}

// AddUTF8FontParsed adds a parsed font to the document, like
// AddUTF8FontFromBytes.
func (f *Fpdf) AddUTF8FontParsed(familyStr, styleStr string, font *UTF8Font) {
	if f.err != nil {
		return
	}
	fontkey := getFontKey(fontFamilyEscape(familyStr), styleStr)
	if _, ok := f.fonts[fontkey]; ok {
		return
	}
	f.fonts[fontkey] = fontDefType{
		Tp:        "UTF8",
		Name:      fontkey,
		Desc:      font.desc,
		Up:        font.up,
		Ut:        font.ut,
		Cw:        font.cw,
		i:         "u" + strconv.Itoa(len(f.fonts)), // the resource name /Fu0: short, as it is in every Tf
		usedRunes: map[int]int{},
		shared:    font,
	}
}

// utf8Cut is the subset of a font for a set of runes, ready to embed.
type utf8Cut struct {
	tag      string // six capitals naming the subset, from its runes
	fontSize int    // uncompressed subset
	fontZ    []byte // compressed subset
	mapZ     []byte // compressed CIDToGIDMap
	widths   string // the /W array
}

// cut gives the subset for the runes (ascending), from the cache when
// another document used the same runes.
func (font *UTF8Font) cut(runes []int) (*utf8Cut, error) {
	key := make([]byte, 0, 3*len(runes))
	for _, r := range runes {
		key = append(key, byte(r>>16), byte(r>>8), byte(r))
	}
	font.mu.Lock()
	c, ok := font.cuts[string(key)]
	font.mu.Unlock()
	if ok {
		return c, nil
	}
	ttf, gids, err := font.subset(runes)
	if err != nil {
		return nil, err
	}
	if len(gids) != len(runes) {
		return nil, fmt.Errorf("subset of %d runes gave %d glyph ids", len(runes), len(gids))
	}
	last := 0
	if len(runes) > 0 {
		last = runes[len(runes)-1]
	}
	cidToGID := make([]byte, 2*(last+1))
	for i, r := range runes {
		cidToGID[2*r], cidToGID[2*r+1] = byte(gids[i]>>8), byte(gids[i])
	}
	sum := sha1.Sum(append([]byte(font.id), key...))
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	c = &utf8Cut{
		tag:      string(tag),
		fontSize: len(ttf),
		fontZ:    compressFont(ttf),
		mapZ:     compressMap(cidToGID),
		widths:   font.widths(runes, gids),
	}
	font.mu.Lock()
	if len(font.cuts) < font.cache {
		font.cuts[string(key)] = c
	}
	font.mu.Unlock()
	return c, nil
}

// widths writes the /W array of the runes the font has: runs of
// consecutive codes as "first [w1 w2 ...]". The widths are those fpdf
// laid the text out with.
func (font *UTF8Font) widths(runes []int, gids []uint16) string {
	var b strings.Builder
	b.WriteString("[")
	next := -1
	for i, r := range runes {
		if r >= len(font.cw) || font.cw[r] == 0 || gids[i] == 0 {
			continue
		}
		w := font.cw[r]
		if w == 65535 {
			w = 0
		}
		if r != next {
			if next >= 0 {
				b.WriteString("]")
			}
			b.WriteString(strconv.Itoa(r))
			b.WriteString("[")
		} else {
			b.WriteString(" ")
		}
		b.WriteString(strconv.Itoa(w))
		next = r + 1
	}
	if next >= 0 {
		b.WriteString("]")
	}
	b.WriteString("]")
	return b.String()
}

// fontLevel is the zlib level of the subsets (and of the ToUnicode CMap):
// BestCompression saves 1% more on a subset of a few KB and takes three
// times as long.
const fontLevel = 6

// compressFont compresses a subset's stream, written once per set of runes.
func compressFont(b []byte) []byte {
	mem := xmem.compressLevel(b, fontLevel)
	defer mem.release()
	return mem.copy()
}

// compressMap compresses a CIDToGIDMap: zeros mostly, which BestSpeed
// compresses as well, five times faster.
func compressMap(b []byte) []byte {
	mem := xmem.compress(b)
	defer mem.release()
	return mem.copy()
}

// SetCompressionLevel sets the zlib level of the pages' content streams,
// from 1 (zlib.BestSpeed, fpdf's) to 9 (zlib.BestCompression); 0 restores
// BestSpeed. It matters only with SetCompression(true).
func (f *Fpdf) SetCompressionLevel(level int) {
	if level < 0 || level > zlib.BestCompression {
		f.err = fmt.Errorf("compression level %d: want 0 to 9", level)
		return
	}
	f.compressLevel = level
}

func (f *Fpdf) contentLevel() int {
	if f.compressLevel == 0 {
		return zlib.BestSpeed
	}
	return f.compressLevel
}

// putSharedUTF8Font writes the objects of a shared UTF-8 font: the Type0
// font, its CIDFontType2, descriptor, CIDToGIDMap and font program; the
// first shared font of the document also writes the ToUnicode CMap (the
// identity, since the codes are the runes) that they all reference.
func (f *Fpdf) putSharedUTF8Font(font fontDefType) {
	runes := make([]int, 0, len(font.usedRunes)+10)
	for r := range font.usedRunes {
		if r > 0 && r < 0x10000 {
			runes = append(runes, r)
		}
	}
	// The aliases were replaced in the pages (putpages) after the runes
	// were counted: count the runes of their replacements.
	for _, text := range f.aliasMap {
		for _, r := range text {
			if _, ok := font.usedRunes[int(r)]; !ok && r > 0 && r < 0x10000 {
				font.usedRunes[int(r)] = int(r)
				runes = append(runes, int(r))
			}
		}
	}
	sort.Ints(runes)
	c, err := font.shared.cut(runes)
	if err != nil {
		f.err = fmt.Errorf("subset of font %s: %w", font.Name, err)
		return
	}
	name := c.tag + "+utf8" + font.Name
	toUnicode := f.toUnicodeN
	if toUnicode == 0 {
		toUnicode = f.n + 6
	}
	f.newobj()
	f.outf("<</Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R>>", name, f.n+1, toUnicode)
	f.out("endobj")

	f.newobj()
	f.outf("<</Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>>", name)
	f.outf("/FontDescriptor %d 0 R /CIDToGIDMap %d 0 R", f.n+1, f.n+2)
	if font.Desc.MissingWidth != 0 {
		f.outf("/DW %d", font.Desc.MissingWidth)
	}
	f.out("/W " + c.widths + ">>")
	f.out("endobj")

	f.newobj()
	d := font.Desc
	f.outf("<</Type /FontDescriptor /FontName /%s /Ascent %d /Descent %d /CapHeight %d /Flags %d /FontBBox [%d %d %d %d] /ItalicAngle %d /StemV %d /MissingWidth %d /FontFile2 %d 0 R>>",
		name, d.Ascent, d.Descent, d.CapHeight, (d.Flags|4)&^32, d.FontBBox.Xmin, d.FontBBox.Ymin, d.FontBBox.Xmax, d.FontBBox.Ymax,
		d.ItalicAngle, d.StemV, d.MissingWidth, f.n+2)
	f.out("endobj")

	f.newobj()
	f.outf("<</Length %d /Filter /FlateDecode>>", len(c.mapZ))
	f.putstream(f.ownCopy(c.mapZ))
	f.out("endobj")

	f.newobj()
	f.outf("<</Length %d /Filter /FlateDecode /Length1 %d>>", len(c.fontZ), c.fontSize)
	f.putstream(f.ownCopy(c.fontZ))
	f.out("endobj")

	if f.toUnicodeN == 0 {
		f.newobj()
		f.toUnicodeN = f.n
		f.outf("<</Length %d /Filter /FlateDecode>>", len(font.shared.cmapZ))
		f.putstream(f.ownCopy(font.shared.cmapZ))
		f.out("endobj")
	}
}

// ownCopy gives putstream a copy of a shared stream when it encrypts in
// place.
func (f *Fpdf) ownCopy(b []byte) []byte {
	if f.protect.encrypted {
		return append([]byte(nil), b...)
	}
	return b
}
