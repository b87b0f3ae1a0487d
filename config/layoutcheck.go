package config

import (
	"path/filepath"
	"slices"
	"strings"
)

// validateLayout checks the keys that say how a distributor's files are
// named and read, which its feeds and its stock reports (as StockFeed
// sees them) share: format, files, encoding, delimiter, quote, decimal and
// thousands marks, date format. at names a key in the file.
func (d *Distributor) validateLayout(p *checker, at func(string) string) {
	if d.Format != "csv" && d.Format != "xlsx" {
		p.add(at("format"), "must be csv or xlsx, got %q", d.Format)
	}
	if _, err := filepath.Match(d.Files, "x"); err != nil || strings.ContainsAny(d.Files, `/\`) {
		p.add(at("files"), "must be a file name pattern without folders, got %q", d.Files)
	}
	if !slices.Contains(encodings, d.Encoding) {
		p.add(at("encoding"), "must be one of %s, got %q", strings.Join(encodings, ", "), d.Encoding)
	}
	for _, k := range []struct{ key, v string }{{"delimiter", d.Delimiter}, {"quote", d.Quote}} {
		if len(k.v) != 1 || k.v[0] >= 0x80 {
			p.add(at(k.key), "must be one ASCII character, got %q", k.v)
		}
	}
	if d.Delimiter == d.Quote {
		p.add(at("quote"), "must differ from the delimiter")
	}
	if d.Decimal != "." && d.Decimal != "," {
		p.add(at("decimal"), `must be "." or ",", got %q`, d.Decimal)
	}
	if !slices.Contains([]string{"", ".", ",", " ", "'"}, d.Thousands) || (d.Thousands != "" && d.Thousands == d.Decimal) {
		p.add(at("thousands"), `must be "", ".", ",", " " or "'" and differ from the decimal mark, got %q`, d.Thousands)
	}
	if d.DateFormat != "excel" {
		if _, _, err := DatePattern(d.DateFormat); err != nil {
			p.add(at("date_format"), `%v (or "excel" for serial day numbers)`, err)
		}
	}
}
