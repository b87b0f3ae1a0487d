package reports

import (
	"regexp"
	"testing"
)

func TestLocaleFormats(t *testing.T) {
	t.Parallel()
	en, _ := newLocale("en", "EUR")
	fr, _ := newLocale("fr", "EUR")
	gbp, _ := newLocale("en", "GBP")
	tests := []struct {
		name, got, want string
	}{
		{"en number", en.Number(1234567.891, 2), "1,234,567.89"},
		{"fr number", fr.Number(1234567.891, 2), "1\u00a0234\u00a0567,89"},
		{"en money", en.Money(1234.56, 2), "€1,234.56"},
		{"fr money", fr.Money(1234.56, 2), "1\u00a0234,56\u00a0€"},
		{"en negative money", en.Money(-1234, 0), "-€1,234"},
		{"fr negative money", fr.Money(-1234, 0), "-1\u00a0234\u00a0€"},
		{"gbp", gbp.Money(12, 0), "£12"},
		{"small", en.Number(999, 0), "999"},
		{"rounded zero", en.Number(-0.001, 2), "0.00"},
		{"en percent", en.Percent(0.1234, 1), "12.3%"},
		{"fr percent", fr.Percent(0.1234, 1), "12,3\u00a0%"},
		{"fr label", fr.T("loyal"), "fidèle"},
		{"en label", en.T("loyal"), "loyal"},
		{"unknown label", en.T("nope"), "nope"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if _, err := newLocale("de", "EUR"); err == nil {
		t.Error("language de accepted")
	}
	for key := range dictionaries["en"] {
		if _, ok := dictionaries["fr"][key]; !ok {
			t.Errorf("label %q has no French", key)
		}
	}
	for key := range dictionaries["fr"] {
		if _, ok := dictionaries["en"][key]; !ok {
			t.Errorf("label %q has no English", key)
		}
	}
}

func TestFileName(t *testing.T) {
	t.Parallel()
	tests := []struct{ id, want string }{
		{"P00001", "P00001.pdf"},
		{"84", "84.pdf"},
		{"2A", "2A.pdf"},
	}
	for _, tt := range tests {
		if got := fileName(tt.id); got != tt.want {
			t.Errorf("%q: %q, want %q", tt.id, got, tt.want)
		}
	}
	// Unsafe ids become ASCII names that stay inside the folder and apart.
	seen := map[string]string{}
	for _, id := range []string{"../../etc/passwd", "P 01/é", "P_01_é", "..", "/abs", "a\x00b", "Société Générale"} {
		name := fileName(id)
		if !regexp.MustCompile(`^[A-Za-z0-9_-]+\.pdf$`).MatchString(name) {
			t.Errorf("%q -> %q is not a safe name", id, name)
		}
		if other, dup := seen[name]; dup {
			t.Errorf("%q and %q both -> %q", id, other, name)
		}
		seen[name] = id
		dir := t.TempDir()
		if err := writeInside(dir, ".", id, []byte("x"), 0o640); err != nil {
			t.Errorf("%q: %v", id, err)
		}
	}
}
