package pipeline_test

import (
	"database/sql"
	"io/fs"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	channelscope "github.com/channelscope/channelscope"
)

// cleanseMacros loads the number macros of the cleanse stage, as shipped,
// into an in-memory DuckDB.
func cleanseMacros(t testing.TB) *sql.DB {
	t.Helper()
	text, err := fs.ReadFile(channelscope.Stages(), "0020_cleanse.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	macros := regexp.MustCompile(`(?s)CREATE OR REPLACE MACRO cleanse_(is_plain|parts|value)\(.*?;\n`).FindAllString(string(text), -1)
	if len(macros) != 3 {
		t.Fatalf("found %d number macros in 0020_cleanse.sql", len(macros))
	}
	for _, m := range macros {
		if _, err := db.Exec(m); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
	}
	return db
}

// FuzzCleanseNumber: any text is a number or NULL, never a SQL error; a
// number read back from its own rendering in the layout's marks is the
// same number.
func FuzzCleanseNumber(f *testing.F) {
	for _, s := range []string{"1 234,50 €", "€1,234.50", "EUR 1234.50", "1234.50 USD", "CHF 1'234.50", "1.234,50-",
		"(1 234,50)", "+12", "12,3,4", "N/A", "#VALEUR!", "-(12)", "1\u00a0234", "9999999999999999999999", ""} {
		f.Add(s, ",", ".")
		f.Add(s, ".", ",")
		f.Add(s, ".", "'")
	}
	db := cleanseMacros(f)
	f.Fuzz(func(t *testing.T, txt, decimal, thousands string) {
		if (decimal != "." && decimal != ",") || !strings.Contains(`.,' `, thousands) || thousands == decimal {
			return // the config accepts no other marks
		}
		if !utf8.ValidString(txt) {
			return // ingest hands SQL valid UTF-8 only (decoded, invalid bytes refused)
		}
		txt = strings.TrimSpace(regexp.MustCompile(`[\s\x{00A0}\x{202F}\x{2009}]+`).ReplaceAllString(txt, " "))
		var v sql.NullFloat64
		err := db.QueryRow(`SELECT CAST(cleanse_value(nullif(?, ''), cleanse_parts(nullif(?, '')), ?, ?) AS DOUBLE)`,
			txt, txt, thousands, decimal).Scan(&v)
		if err != nil {
			t.Fatalf("%q: %v", txt, err)
		}
		if !v.Valid {
			return
		}
		if !strings.ContainsAny(txt, "0123456789") {
			t.Fatalf("%q read as %v without a digit", txt, v.Float64)
		}
		again := strings.Replace(strconv.FormatFloat(math.Abs(v.Float64), 'f', -1, 64), ".", decimal, 1)
		if v.Float64 < 0 {
			again = "-" + again
		}
		var w sql.NullFloat64
		if err := db.QueryRow(`SELECT CAST(cleanse_value(?, cleanse_parts(?), ?, ?) AS DOUBLE)`, again, again, thousands, decimal).Scan(&w); err != nil || !w.Valid || w.Float64 != v.Float64 {
			t.Fatalf("%q -> %v -> %q -> %v %v", txt, v.Float64, again, w, err)
		}
	})
}
