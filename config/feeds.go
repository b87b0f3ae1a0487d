package config

import (
	"fmt"
	"strconv"
	"strings"
)

// XLSX bounds what one workbook may unpack to, so a zip bomb fails at once
// with a clear error instead of filling the disk or the memory.
type XLSX struct {
	// MaxUncompressed caps the sum of the sizes the workbook's zip declares
	// for its entries. Default "20GB": 10M lines x 20 cells x 100 bytes of XML.
	MaxUncompressed string `yaml:"max_uncompressed"`
	// MaxCells caps the cells of the sheet read. Default 200,000,000
	// (10M lines x 20 columns).
	MaxCells int64 `yaml:"max_cells"`
}

// MaxUncompressedBytes is MaxUncompressed in bytes (0 if it is not a
// size, which validation refuses).
func (x XLSX) MaxUncompressedBytes() int64 {
	n, _ := ParseSize(x.MaxUncompressed)
	return n
}

// MinMemoryLimit is the least duckdb.memory_limit accepted: below it
// DuckDB's CSV and Parquet readers fail with out-of-memory in a stage.
const MinMemoryLimit = 100_000_000

// DefaultXLSX returns the xlsx section as an empty config leaves it.
func DefaultXLSX() XLSX {
	return XLSX{MaxUncompressed: "20GB", MaxCells: 200_000_000}
}

// validateFeeds checks the sections that bound what a feed can cost.
func (c *Config) validateFeeds(p *checker) {
	if n, err := ParseSize(c.DuckDB.MemoryLimit); err == nil && n < MinMemoryLimit {
		p.add("duckdb.memory_limit", "%s is below the 100MB DuckDB's readers need", c.DuckDB.MemoryLimit)
	}
	n, err := ParseSize(c.XLSX.MaxUncompressed)
	switch {
	case err != nil:
		p.add("xlsx.max_uncompressed", "%v", err)
	case n < 1<<20:
		p.add("xlsx.max_uncompressed", "must be at least 1MiB, got %q", c.XLSX.MaxUncompressed)
	}
	if c.XLSX.MaxCells < 1000 {
		p.add("xlsx.max_cells", "must be at least 1000, got %d", c.XLSX.MaxCells)
	}
}

// validateFeed checks the layout keys of one distributor added for real-world feeds.
func (d *Distributor) validateFeed(p *checker, at func(string) string) {
	if d.DateLocale != "en" && d.DateLocale != "fr" {
		p.add(at("date_locale"), "must be en or fr, got %q", d.DateLocale)
	}
}

// ParseSize reads a size such as 4GB, 512MiB or 100 MB (DuckDB's units:
// KB = 1000 bytes, KiB = 1024) into bytes.
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	m := memoryPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("must be a size such as 4GB or 512MiB, got %q", s)
	}
	unit := map[string]float64{"B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
		"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}[m[2]]
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, m[2])), 64)
	if err != nil || v*unit > 1<<62 {
		return 0, fmt.Errorf("size %q is out of range", s)
	}
	return int64(v * unit), nil
}
