// channelscope patch: a UTF-8 TrueType font parsed once per process and
// added to many documents, and the subsets cut from it shared between the
// documents that use the same runes. Adding a font with
// AddUTF8FontFromBytes parses it, hashes its 65,536 widths through JSON
// and cuts a subset for every document: most of the time of a one-page
// report.

package fpdf

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// UTF8Font is a TrueType font parsed once. It is safe for concurrent use
// by documents on several goroutines; its bytes must not change.
type UTF8Font struct {
	data  []byte
	desc  FontDescType
	up    int
	ut    int
	cw    []int // read only
	id    string
	base  []int // runes every subset holds
	cache int   // how many cuts to keep

	mu   sync.Mutex
	cuts map[string]*utf8Cut
}

// ParseUTF8Font parses a TrueType font for AddUTF8FontParsed. Every
// subset holds the runes of base, so that documents in one language tend
// to use the same set; it keeps up to cache subsets (one per distinct set
// of used runes) for reuse.
func ParseUTF8Font(ttf []byte, base string, cache int) (*UTF8Font, error) {
	u := newUTF8Font(&fileReader{array: ttf})
	if err := u.parseFile(); err != nil {
		return nil, fmt.Errorf("parse TrueType font: %w", err)
	}
	sum := sha1.Sum(ttf)
	var runes []int
	for _, r := range base {
		runes = append(runes, int(r))
	}
	return &UTF8Font{
		base: runes,
		data: ttf,
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
		up:    int(round(u.UnderlinePosition)),
		ut:    round(u.UnderlineThickness),
		cw:    u.CharWidths,
		id:    hex.EncodeToString(sum[:]),
		cache: cache,
		cuts:  map[string]*utf8Cut{},
	}, nil
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
	var sbarr map[int]int
	if f.aliasNbPagesStr == "" {
		sbarr = makeSubsetRange(57)
	} else {
		sbarr = makeSubsetRange(32)
	}
	for _, r := range font.base {
		sbarr[r] = r
	}
	sum := sha1.Sum([]byte(font.id + "\x00" + fontkey))
	f.fonts[fontkey] = fontDefType{
		Tp:        "UTF8",
		Name:      fontkey,
		Desc:      font.desc,
		Up:        font.up,
		Ut:        font.ut,
		Cw:        font.cw,
		i:         hex.EncodeToString(sum[:]),
		usedRunes: sbarr,
		shared:    font,
	}
}

// utf8Cut is the subset of a font for a set of runes, ready to embed.
type utf8Cut struct {
	lastRune  int
	fontSize  int    // uncompressed subset
	fontZ     []byte // compressed subset
	cidToGIDZ []byte // compressed CIDToGIDMap
}

// cut gives the subset for the runes, from the cache when another document
// used the same runes.
func (font *UTF8Font) cut(usedRunes map[int]int) *utf8Cut {
	runes := make([]int, 0, len(usedRunes))
	for _, r := range usedRunes {
		runes = append(runes, r)
	}
	sort.Ints(runes)
	var key strings.Builder
	for _, r := range runes {
		key.WriteString(strconv.Itoa(r))
		key.WriteByte(',')
	}
	font.mu.Lock()
	c, ok := font.cuts[key.String()]
	font.mu.Unlock()
	if ok {
		return c
	}
	// A file of its own: cutting moves the reader and fills the tables.
	c = newUTF8Cut(newUTF8Font(&fileReader{array: font.data}), usedRunes)
	font.mu.Lock()
	if len(font.cuts) < font.cache {
		font.cuts[key.String()] = c
	}
	font.mu.Unlock()
	return c
}

// newUTF8Cut cuts the subset of the runes from a font file.
func newUTF8Cut(file *utf8FontFile, usedRunes map[int]int) *utf8Cut {
	stream := file.GenerateCutFont(usedRunes)
	dict := file.CodeSymbolDictionary
	delete(dict, 0)
	cidToGIDMap := make([]byte, 256*256*2)
	for cc, glyph := range dict {
		cidToGIDMap[cc*2] = byte(glyph >> 8)
		cidToGIDMap[cc*2+1] = byte(glyph & 0xFF)
	}
	c := &utf8Cut{lastRune: file.LastRune, fontSize: len(stream)}
	mem := xmem.compress(cidToGIDMap)
	c.cidToGIDZ = mem.copy()
	mem.release()
	mem = xmem.compress(stream)
	c.fontZ = mem.copy()
	mem.release()
	return c
}

// ownCopy gives putstream a copy of a shared stream when it encrypts in
// place.
func (f *Fpdf) ownCopy(b []byte) []byte {
	if f.protect.encrypted {
		return append([]byte(nil), b...)
	}
	return b
}
