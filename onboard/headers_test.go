package onboard

import (
	"slices"
	"testing"

	"github.com/channelscope/channelscope/config"
)

// The field list must follow config's: a field added there and not here
// would never be proposed.
func TestFieldsFollowConfig(t *testing.T) {
	t.Parallel()
	var want []string
	for _, f := range (config.Columns{}).Fields() {
		want = append(want, f.Name)
	}
	if !slices.Equal(fields, want) {
		t.Errorf("onboard fields %v, config fields %v", fields, want)
	}
	for _, f := range fields {
		if len(synonyms[f]) == 0 {
			t.Errorf("no synonyms for %s", f)
		}
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"N° Facture": "nfacture", "  Qté ": "qte", "Straße": "strasse", "RÉF. ARTICLE": "refarticle",
		"Código Postal": "codigopostal", "Città": "citta", "net_amount": "netamount", "": "",
	} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMapHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang     string
		header   []string
		want     map[string]string // field -> header
		partial  []string          // fields matched only partly
		currency string
		unmapped []string
	}{
		{lang: "fr", header: []string{"N° Facture", "Ligne", "Date Facture", "Code Client", "Raison Sociale", "SIRET", "Adresse", "CP", "Ville", "Réf Article", "Qté", "Montant HT"},
			want: map[string]string{"invoice_id": "N° Facture", "invoice_line": "Ligne", "invoice_date": "Date Facture",
				"reseller_account": "Code Client", "reseller_name": "Raison Sociale", "reseller_tax_id": "SIRET",
				"reseller_address": "Adresse", "reseller_postcode": "CP", "reseller_city": "Ville", "sku": "Réf Article",
				"quantity": "Qté", "amount": "Montant HT"}},
		{lang: "en", header: []string{"Invoice", "Date", "Account", "Customer", "Siren", "Postcode", "City", "SKU", "Units", "Value EUR"},
			want: map[string]string{"invoice_id": "Invoice", "invoice_date": "Date", "reseller_account": "Account",
				"reseller_name": "Customer", "reseller_tax_id": "Siren", "reseller_postcode": "Postcode", "reseller_city": "City",
				"sku": "SKU", "quantity": "Units", "amount": "Value EUR"}, currency: "EUR"},
		{lang: "de", header: []string{"Rechnungsnummer", "Position", "Rechnungsdatum", "Kundennummer", "Firmenname", "USt-IdNr.", "Straße", "PLZ", "Ort", "Artikelnummer", "Menge", "Nettobetrag", "Währung"},
			want: map[string]string{"invoice_id": "Rechnungsnummer", "invoice_line": "Position", "invoice_date": "Rechnungsdatum",
				"reseller_account": "Kundennummer", "reseller_name": "Firmenname", "reseller_tax_id": "USt-IdNr.",
				"reseller_address": "Straße", "reseller_postcode": "PLZ", "reseller_city": "Ort", "sku": "Artikelnummer",
				"quantity": "Menge", "amount": "Nettobetrag", "currency": "Währung"}},
		{lang: "es", header: []string{"Nº Factura", "Fecha", "Código Cliente", "Razón Social", "NIF", "Dirección", "Código Postal", "Ciudad", "Referencia", "Cantidad", "Importe (€)"},
			want: map[string]string{"invoice_id": "Nº Factura", "invoice_date": "Fecha", "reseller_account": "Código Cliente",
				"reseller_name": "Razón Social", "reseller_tax_id": "NIF", "reseller_address": "Dirección",
				"reseller_postcode": "Código Postal", "reseller_city": "Ciudad", "sku": "Referencia", "quantity": "Cantidad",
				"amount": "Importe (€)"}, currency: "EUR"},
		{lang: "it", header: []string{"Numero Fattura", "Riga", "Data Fattura", "Codice Cliente", "Ragione Sociale", "Partita IVA", "Indirizzo", "CAP", "Città", "Codice Articolo", "Quantità", "Importo Netto", "Valuta"},
			want: map[string]string{"invoice_id": "Numero Fattura", "invoice_line": "Riga", "invoice_date": "Data Fattura",
				"reseller_account": "Codice Cliente", "reseller_name": "Ragione Sociale", "reseller_tax_id": "Partita IVA",
				"reseller_address": "Indirizzo", "reseller_postcode": "CAP", "reseller_city": "Città", "sku": "Codice Articolo",
				"quantity": "Quantità", "amount": "Importo Netto", "currency": "Valuta"}},
		{lang: "en, partial and unknown", header: []string{"Invoice Number", "Invoice Date", "Customer Name", "Product Code", "Qty Shipped", "Total Net Amount", "Sales Rep"},
			want: map[string]string{"invoice_id": "Invoice Number", "invoice_date": "Invoice Date", "reseller_name": "Customer Name",
				"sku": "Product Code", "quantity": "Qty Shipped", "amount": "Total Net Amount"},
			partial: []string{"quantity", "amount"}, unmapped: []string{"Sales Rep"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			hm := mapHeader(tt.header, nil)
			got := map[string]string{}
			for _, m := range hm.Matches {
				got[m.Field] = m.Header
				if partial := m.Score < 1; partial != slices.Contains(tt.partial, m.Field) {
					t.Errorf("%s <- %q: score %.2f, partial expected %v", m.Field, m.Header, m.Score, !partial)
				}
			}
			for f, h := range tt.want {
				if got[f] != h {
					t.Errorf("%s <- %q, want %q", f, got[f], h)
				}
			}
			for f, h := range got {
				if _, ok := tt.want[f]; !ok {
					t.Errorf("unexpected %s <- %q", f, h)
				}
			}
			if hm.Currency != tt.currency {
				t.Errorf("currency %q, want %q", hm.Currency, tt.currency)
			}
			if !slices.Equal(hm.Unmapped, tt.unmapped) {
				t.Errorf("unmapped %q, want %q", hm.Unmapped, tt.unmapped)
			}
		})
	}
}

// FuzzMapHeader checks that any header maps each field and each column at
// most once, and that a column named exactly after a synonym keeps its
// field when nothing else claims it. Seeds: testdata/fuzz/FuzzMapHeader.
func FuzzMapHeader(f *testing.F) {
	f.Add("N° Facture;Date;Qté;Montant HT")
	f.Add("invoice_no;;line_no;\u00a0;€")
	f.Fuzz(func(t *testing.T, joined string) {
		header := splitSemicolons(joined)
		hm := mapHeader(header, nil)
		cols, fieldsSeen := map[int]bool{}, map[string]bool{}
		for _, m := range hm.Matches {
			if cols[m.Col] || fieldsSeen[m.Field] {
				t.Fatalf("column %d or field %s mapped twice: %+v", m.Col, m.Field, hm.Matches)
			}
			cols[m.Col], fieldsSeen[m.Field] = true, true
			if m.Col >= len(header) || header[m.Col] != m.Header || m.Score <= 0 || m.Score > 1 {
				t.Fatalf("bad match %+v for header %q", m, header)
			}
		}
		if len(hm.Matches)+len(hm.Unmapped) > len(header) {
			t.Fatalf("%d matches and %d unmapped for %d columns", len(hm.Matches), len(hm.Unmapped), len(header))
		}
	})
}

func splitSemicolons(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ';' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
