package onboard

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func TestGuessEncoding(t *testing.T) {
	t.Parallel()
	win := func(s string) []byte {
		b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	utf16 := func(s string, e unicode.Endianness) []byte {
		b, err := unicode.UTF16(e, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name    string
		data    []byte
		want    string
		text    string
		noted   bool
		wantErr string
	}{
		{name: "utf-8 bom", data: []byte("\xEF\xBB\xBFRéf;Qté\n"), want: "utf-8-bom", text: "Réf;Qté\n"},
		{name: "utf-8", data: []byte("Réf;Qté\n"), want: "utf-8", text: "Réf;Qté\n"},
		{name: "ascii", data: []byte("sku,qty\n"), want: "utf-8", text: "sku,qty\n"},
		{name: "utf-16 le", data: utf16("Réf;Qté\n", unicode.LittleEndian), want: "utf-16", text: "Réf;Qté\n"},
		{name: "utf-16 be", data: utf16("Réf;Qté\n", unicode.BigEndian), want: "utf-16", text: "Réf;Qté\n"},
		{name: "windows-1252 with euro", data: win("Montant €;Qté\n"), want: "windows-1252", text: "Montant €;Qté\n"},
		{name: "windows-1252 or latin-1", data: win("Réf;Qté\n"), want: "windows-1252", text: "Réf;Qté\n", noted: true},
		{name: "double-encoded", data: []byte("RÃ©f;QtÃ©\n"), want: "utf-8", text: "RÃ©f;QtÃ©\n", noted: true},
		{name: "utf-16 without bom", data: utf16("Réf;Qté\n", unicode.LittleEndian)[2:], wantErr: "UTF-16 without a byte-order mark"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, text, err := guessEncoding(tt.data)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if g.Value != tt.want || text != tt.text || (g.Note != "") != tt.noted {
				t.Errorf("got %q %q (note %q), want %q %q (noted %v)", g.Value, text, g.Note, tt.want, tt.text, tt.noted)
			}
		})
	}
}

func TestGuessDelimiterAndQuote(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text, delim, quote string
	}{
		{"comma", "a,b,c\n1,\"x, y\",3\n4,5,6\n", ",", `"`},
		{"semicolon with decimal commas", "a;b;c\n1,5;2,5;3\n4,25;5;6,1\n", ";", `"`},
		{"tab", "a\tb\tc\n1,5\t2\t3\n", "\t", `"`},
		{"pipe", "a|b|c|d\n1|2|3|4\n5|6|7|8\n", "|", `"`},
		{"preamble lines", "Export ventes\nPériode: 10/2026\na;b;c;d\n1;2;3;4\n5;6;7;8\n", ";", `"`},
		{"single quotes", "'a';'b;c';'d'\n'1';'2';'3'\n", ";", "'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lines := sampleLines(tt.text, 200)
			d := guessDelimiter(lines, '"')
			q := guessQuote(lines, d.Value[0])
			if q.Value != `"` {
				d = guessDelimiter(lines, q.Value[0])
			}
			if d.Value != tt.delim || q.Value != tt.quote {
				t.Errorf("delimiter %q quote %q, want %q %q (notes %q %q)", d.Value, q.Value, tt.delim, tt.quote, d.Note, q.Note)
			}
		})
	}
}

func TestGuessNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                string
		values              []string
		decimal, thousands  string
		decNoted, thouNoted bool
	}{
		{name: "french", values: []string{"1.234,56", "12,50", "3", "-7,10"}, decimal: ",", thousands: "."},
		{name: "french, no thousands seen", values: []string{"12,50", "3", "7,1"}, decimal: ",", thousands: ".", thouNoted: true},
		{name: "english", values: []string{"1,234.56", "12.50", "3"}, decimal: ".", thousands: ","},
		{name: "plain", values: []string{"1234.56", "12.5", "-3"}, decimal: ".", thousands: ""},
		{name: "integers only", values: []string{"1", "12", "300"}, decimal: ".", thousands: "", decNoted: true},
		{name: "spaces and no-break spaces", values: []string{"1 234,50", "12\u00a0345,00", "1\u202f000,10"}, decimal: ",", thousands: " "},
		{name: "swiss", values: []string{"CHF 1'234.50", "12.00"}, decimal: ".", thousands: "'"},
		{name: "signs and codes", values: []string{"€1,234.50", "EUR 1234.50", "1234.50 USD", "(1,234.50)"}, decimal: ".", thousands: ","},
		{name: "ambiguous only", values: []string{"1,234", "5,678"}, decimal: ".", thousands: ",", decNoted: true},
		{name: "bad values ignored", values: []string{"12,50", "N/A", "#VALEUR!", "3,10", "abc"}, decimal: ",", thousands: ".", thouNoted: true},
		{name: "split vote", values: []string{"1,5", "2,5", "3.5", "4,5"}, decimal: ",", thousands: ".", decNoted: true, thouNoted: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := guessNumbers(tt.values)
			if m.Decimal.Value != tt.decimal || m.Thousands.Value != tt.thousands ||
				(m.Decimal.Note != "") != tt.decNoted || (m.Thousands.Note != "") != tt.thouNoted {
				t.Errorf("decimal %q (%q) thousands %q (%q), want %q %q, notes %v %v",
					m.Decimal.Value, m.Decimal.Note, m.Thousands.Value, m.Thousands.Note, tt.decimal, tt.thousands, tt.decNoted, tt.thouNoted)
			}
		})
	}
}

func TestCurrencyInAmounts(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		values []string
		want   string
	}{
		{[]string{"1 234,50 €", "12,00 €", "3,00"}, "EUR"},
		{[]string{"$1,234.50", "$3"}, "USD"},
		{[]string{"CHF 1'234.50", "CHF 3"}, "CHF"},
		{[]string{"1234.50GBP"}, "GBP"},
		{[]string{"#VALUE!", "12.00", "N/A"}, ""},
	} {
		if got, _ := currencyInAmounts(tt.values); got != tt.want {
			t.Errorf("currencyInAmounts(%q) = %q, want %q", tt.values, got, tt.want)
		}
	}
}

func TestGuessDates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		values  []string
		format  string
		period  string
		note    string // substring of the note; "" = no note
		wantErr bool
	}{
		{name: "iso", values: []string{"2026-10-01", "2026-10-15", "2026-10-31"}, format: "%Y-%m-%d", period: "2026-10"},
		{name: "french", values: []string{"01/10/2026", "15/10/2026", "31/10/2026"}, format: "%d/%m/%Y", period: "2026-10"},
		{name: "american", values: []string{"10/01/2026", "10/15/2026", "10/31/2026"}, format: "%m/%d/%Y", period: "2026-10"},
		// Day and month both 12 or less: both read; the dates of one month win.
		{name: "ambiguous, one month wins", values: []string{"01/10/2026", "05/10/2026", "12/10/2026"}, format: "%d/%m/%Y", period: "2026-10",
			note: "guess: ambiguous, %m/%d/%Y reads them too, over 3 months; chosen for its dates in 1 month(s)"},
		{name: "ambiguous, same day", values: []string{"05/10/2026", "05/10/2026"}, format: "%d/%m/%Y", period: "2026-10", note: "ambiguous, %m/%d/%Y reads them too"},
		{name: "dotted german, two-digit year", values: []string{"03.10.26", "28.10.26"}, format: "%d.%m.%y", period: "2026-10",
			note: "%y.%m.%d reads them too, over 2 months"},
		{name: "compact", values: []string{"20261003", "20261028"}, format: "%Y%m%d", period: "2026-10"},
		{name: "with time", values: []string{"03/10/2026 14:05", "28/10/2026 09:00"}, format: "%d/%m/%Y", period: "2026-10"},
		{name: "iso timestamp", values: []string{"2026-10-03T00:00:00", "2026-10-28T12:30:00"}, format: "%Y-%m-%d", period: "2026-10"},
		{name: "excel serials", values: []string{"46298", "46310.5"}, format: "excel", period: "2026-10"},
		{name: "a bad date is a note", values: append(repeat("15/10/2026", 30), "31/02/2026"), format: "%d/%m/%Y", period: "2026-10", note: "note: 1 of 31 dates"},
		{name: "many bad dates are a guess", values: []string{"15/10/2026", "16/10/2026", "??", "TBD"}, format: "%d/%m/%Y", period: "2026-10", note: "guess: 2 of 4 dates"},
		{name: "unreadable", values: []string{"soon", "later"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, err := guessDates(tt.values)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want an error, got %+v", g)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if g.Value != tt.format || g.Period.Format("2006-01") != tt.period {
				t.Errorf("format %q period %s, want %q %s (note %q)", g.Value, g.Period.Format("2006-01"), tt.format, tt.period, g.Note)
			}
			if (tt.note == "") != (g.Note == "") || !strings.Contains(g.Note, tt.note) {
				t.Errorf("note %q, want %q", g.Note, tt.note)
			}
		})
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}
