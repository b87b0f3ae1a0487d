package pipeline

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/channelscope/channelscope/config"
	"github.com/xuri/excelize/v2"
)

// sheetFacts is what the streaming row reader of excelize does not tell:
// cells holding a formula but no cached value, merged ranges, and the
// number of cells.
type sheetFacts struct {
	formulas map[int]map[int]string // row (1-based) -> column (0-based) -> formula
	merges   []mergeRange
	cells    int64
}

type mergeRange struct{ r1, c1, r2, c2 int } // rows 1-based, columns 0-based, inclusive

// inspectWorkbook checks a workbook against the limits before excelize
// opens it, from the sizes its zip declares (archive/zip fails a read that
// exceeds them, so they cannot lie), then scans the sheet's XML once for
// what the row reader hides. sheet "" is the first sheet.
func inspectWorkbook(file string, lim config.XLSX, sheet string) (*sheetFacts, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return nil, fmt.Errorf("open workbook: %w", err)
	}
	defer zr.Close()
	var total uint64
	limit := uint64(lim.MaxUncompressedBytes())
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > limit || f.UncompressedSize64 > limit {
			return nil, fmt.Errorf("the workbook unpacks to more than xlsx.max_uncompressed %s (%s declares %d bytes): refused",
				lim.MaxUncompressed, clip(f.Name), f.UncompressedSize64)
		}
	}
	target, err := sheetPath(&zr.Reader, sheet)
	if err != nil {
		return nil, err
	}
	for _, f := range zr.File {
		if f.Name == target {
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("sheet %s: %w", target, err)
			}
			defer rc.Close()
			return scanSheetXML(rc, lim.MaxCells)
		}
	}
	return nil, fmt.Errorf("the workbook has no part %s for its sheet", target)
}

// sheetPath finds the zip entry of a sheet through workbook.xml and its rels.
func sheetPath(zr *zip.Reader, sheet string) (string, error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := readXMLPart(zr, "xl/workbook.xml", &wb); err != nil {
		return "", err
	}
	if err := readXMLPart(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return "", err
	}
	var names []string
	for _, s := range wb.Sheets {
		names = append(names, s.Name)
		if s.Name != sheet && sheet != "" {
			continue
		}
		for _, r := range rels.Rels {
			if r.ID == s.RID {
				if strings.HasPrefix(r.Target, "/") {
					return strings.TrimPrefix(r.Target, "/"), nil
				}
				return path.Join("xl", r.Target), nil
			}
		}
		return "", fmt.Errorf("sheet %q has no part in the workbook", clip(s.Name))
	}
	return "", fmt.Errorf("no sheet %q; the workbook has %q", clip(sheet), names)
}

// readXMLPart decodes a small part of the workbook, at most 16 MiB.
func readXMLPart(zr *zip.Reader, name string, v any) error {
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		defer rc.Close()
		if err := xml.NewDecoder(io.LimitReader(rc, 16<<20)).Decode(v); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
	return fmt.Errorf("the workbook has no %s", name)
}

// scanSheetXML reads sheet XML tag by tag (each tag ends at '>'), which is
// several times faster than an XML decoder and enough for cells, formulas,
// values and merged ranges. Namespace prefixes (x:c) are ignored.
func scanSheetXML(r io.Reader, maxCells int64) (*sheetFacts, error) {
	facts := &sheetFacts{formulas: map[int]map[int]string{}}
	br := bufio.NewReaderSize(r, 1<<16)
	row, col := 0, -1
	inCell, hasF, hasV := false, false, false
	formula := ""
	for {
		chunk, err := br.ReadSlice('>')
		if errors.Is(err, bufio.ErrBufferFull) {
			continue // long text between tags: only its end, the tag, matters
		}
		if err == io.EOF {
			return facts, nil
		}
		if err != nil {
			return nil, fmt.Errorf("sheet XML: %w", err)
		}
		lt := bytes.LastIndexByte(chunk, '<')
		if lt < 0 {
			continue
		}
		text, tag := chunk[:lt], chunk[lt+1:len(chunk)-1]
		closing := len(tag) > 0 && tag[0] == '/'
		name := tag
		if closing {
			name = name[1:]
		}
		if i := bytes.IndexAny(name, " \t\r\n/"); i >= 0 {
			name = name[:i]
		}
		if i := bytes.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		selfClosing := bytes.HasSuffix(tag, []byte("/"))
		switch {
		case string(name) == "row" && !closing:
			if n, ok := attrInt(tag, "r"); ok {
				row = n
			} else {
				row++
			}
			col = -1
		case string(name) == "c" && !closing:
			facts.cells++
			if facts.cells > maxCells {
				return nil, fmt.Errorf("the sheet has more than xlsx.max_cells %d cells: refused", maxCells)
			}
			col++
			if ref, ok := attr(tag, "r"); ok {
				if c, r, err := excelize.CellNameToCoordinates(ref); err == nil {
					col, row = c-1, r
				}
			}
			inCell, hasF, hasV, formula = !selfClosing, false, false, ""
		case string(name) == "f" && inCell && !closing:
			hasF = true
		case string(name) == "f" && inCell && closing:
			formula = xmlText(text)
		case string(name) == "v" && inCell && closing:
			hasV = hasV || len(bytes.TrimSpace(text)) > 0
		case string(name) == "is" && inCell && !closing:
			hasV = true // an inline string is a value
		case string(name) == "c" && closing:
			if inCell && hasF && !hasV {
				if facts.formulas[row] == nil {
					facts.formulas[row] = map[int]string{}
				}
				facts.formulas[row][col] = formula
			}
			inCell = false
		case string(name) == "mergeCell" && !closing:
			if ref, ok := attr(tag, "ref"); ok {
				if m, ok := parseRange(ref); ok {
					facts.merges = append(facts.merges, m)
				}
			}
		}
	}
}

// attr returns the value of a tag's attribute name="...".
func attr(tag []byte, name string) (string, bool) {
	for _, q := range []string{`"`, `'`} {
		key := []byte(" " + name + "=" + q)
		i := bytes.Index(tag, key)
		if i < 0 {
			continue
		}
		rest := tag[i+len(key):]
		j := bytes.IndexByte(rest, q[0])
		if j < 0 {
			return "", false
		}
		return string(rest[:j]), true
	}
	return "", false
}

func attrInt(tag []byte, name string) (int, bool) {
	s, ok := attr(tag, name)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// xmlText unescapes the text of an element, for a formula quoted in a message.
func xmlText(b []byte) string {
	var s string
	if err := xml.Unmarshal(append(append([]byte("<t>"), b...), "</t>"...), &s); err != nil {
		return string(b)
	}
	return s
}

// parseRange reads A2:C4.
func parseRange(ref string) (mergeRange, bool) {
	a, b, ok := strings.Cut(ref, ":")
	if !ok {
		return mergeRange{}, false
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(a)
	c2, r2, err2 := excelize.CellNameToCoordinates(b)
	if err1 != nil || err2 != nil || r2 < r1 || c2 < c1 {
		return mergeRange{}, false
	}
	return mergeRange{r1: r1, c1: c1 - 1, r2: r2, c2: c2 - 1}, true
}
