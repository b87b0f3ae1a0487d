package onboard

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fields lists the canonical feed fields in config order (config.Columns).
var fields = []string{"invoice_id", "invoice_line", "invoice_date", "reseller_account", "reseller_name",
	"reseller_tax_id", "reseller_address", "reseller_postcode", "reseller_city", "sku", "quantity", "amount", "currency"}

// synonyms are the header names seen for each field in English, French,
// German, Spanish and Italian exports. They are compared normalized
// (normalize), so case, accents, spaces and punctuation do not matter.
var synonyms = map[string][]string{
	"invoice_id": {
		"invoice", "invoice no", "invoice number", "invoice id", "invoice nr", "inv no", "inv", "invoice ref", "document no", "document number", "doc no", "bill no", "billing document",
		"facture", "n° facture", "no facture", "numéro facture", "numéro de facture", "num facture", "réf facture", "n° pièce", "numéro pièce", "pièce",
		"rechnung", "rechnungsnummer", "rechnungsnr", "rechnung nr", "belegnummer", "belegnr", "beleg",
		"factura", "número de factura", "número factura", "nº factura", "num factura", "n factura", "no factura",
		"fattura", "numero fattura", "n fattura", "nr fattura", "num fattura", "n documento", "numero documento",
	},
	"invoice_line": {
		"line", "line no", "line number", "invoice line", "line nr", "item no", "pos", "position", "item line",
		"ligne", "n° ligne", "no ligne", "numéro ligne", "numéro de ligne", "ligne facture",
		"zeile", "pos nr", "positionsnummer", "positionsnr", "rechnungsposition",
		"línea", "número de línea", "nº línea", "línea factura",
		"riga", "n riga", "numero riga", "riga fattura",
	},
	"invoice_date": {
		"date", "invoice date", "inv date", "document date", "billing date", "posting date", "doc date",
		"date facture", "date de facture", "date pièce", "date de pièce", "date document",
		"datum", "rechnungsdatum", "belegdatum", "rechnung datum",
		"fecha", "fecha factura", "fecha de factura", "fecha documento",
		"data", "data fattura", "data documento", "data doc",
	},
	"reseller_account": {
		"account", "account no", "account number", "account id", "customer id", "customer no", "customer number", "customer code", "customer account",
		"client id", "client no", "client code", "cust no", "cust id", "sold to", "sold to party", "reseller id", "reseller code",
		"code client", "n° client", "no client", "numéro client", "numéro de client", "compte client", "compte", "réf client", "id client",
		"kundennummer", "kunden nr", "kundennr", "kunde nr", "debitor", "debitorennummer", "debitornr",
		"código cliente", "código de cliente", "nº cliente", "id cliente", "cuenta", "num cliente", "número de cliente",
		"codice cliente", "cod cliente", "conto", "numero cliente", "n cliente",
	},
	"reseller_name": {
		"customer", "customer name", "client", "client name", "name", "company", "company name", "reseller", "reseller name", "account name", "sold to name", "business name",
		"raison sociale", "nom client", "nom du client", "nom", "société", "revendeur", "nom revendeur", "dénomination",
		"kunde", "kundenname", "firma", "firmenname", "händler", "name kunde",
		"cliente", "nombre cliente", "nombre del cliente", "nombre", "razón social", "empresa", "distribuidor",
		"ragione sociale", "nome cliente", "denominazione", "rivenditore", "nome",
	},
	"reseller_tax_id": {
		"tax id", "vat", "vat number", "vat no", "vat id", "tax number", "company number", "registration number", "siret", "siren", "vat reg no",
		"tva", "n° tva", "numéro tva", "tva intracommunautaire", "n° tva intracommunautaire", "numéro siret", "n° siret", "numéro siren", "n° siren",
		"ust id", "ustid", "ust idnr", "ustidnr", "umsatzsteuer id", "steuernummer", "ust nr",
		"nif", "cif", "nif cif", "nif/cif", "número de iva", "nº iva",
		"partita iva", "p iva", "piva", "codice fiscale", "cod fiscale",
	},
	"reseller_address": {
		"address", "street", "address line 1", "address 1", "addr", "street address",
		"adresse", "rue", "adresse 1", "adresse ligne 1", "voie",
		"strasse", "straße", "anschrift", "adresse kunde",
		"dirección", "calle", "domicilio",
		"indirizzo", "via",
	},
	"reseller_postcode": {
		"postcode", "post code", "postal code", "zip", "zip code", "zipcode", "postalcode",
		"cp", "code postal", "c postal",
		"plz", "postleitzahl",
		"código postal", "c p",
		"cap", "codice postale",
	},
	"reseller_city": {
		"city", "town",
		"ville", "localité", "commune",
		"stadt", "ort",
		"ciudad", "localidad", "población", "municipio",
		"città", "comune", "località",
	},
	"sku": {
		"sku", "item", "item code", "item no", "item number", "product", "product code", "product id", "product no", "part number", "part no", "material", "article",
		"réf article", "référence", "reference", "ref", "code article", "réf produit", "code produit", "article code", "réf",
		"artikel", "artikelnummer", "artikel nr", "artikelnr", "materialnummer", "material nr",
		"referencia", "código artículo", "código de artículo", "artículo", "producto", "código producto",
		"articolo", "codice articolo", "cod articolo", "codice prodotto", "riferimento",
	},
	"quantity": {
		"quantity", "qty", "units", "unit", "qty sold", "quantity sold", "pieces", "pcs",
		"qté", "quantité", "qte", "nb", "nombre", "unités", "quantité vendue",
		"menge", "anzahl", "stück", "stk", "stückzahl",
		"cantidad", "cant", "unidades", "uds",
		"quantità", "qta", "qtà", "pezzi", "pz",
	},
	"amount": {
		"amount", "net amount", "value", "net value", "total", "line total", "revenue", "sales", "sales amount", "net", "net sales", "turnover", "extended price", "line amount", "amount excl vat", "net total",
		"montant", "montant ht", "total ht", "montant net", "ca", "ca ht", "chiffre d'affaires", "valeur", "prix total", "montant hors taxes",
		"betrag", "nettobetrag", "umsatz", "wert", "gesamt", "netto", "nettowert", "gesamtbetrag",
		"importe", "importe neto", "valor", "total neto", "neto",
		"importo", "importo netto", "valore", "totale", "fatturato", "netto riga",
	},
	"currency": {
		"currency", "curr", "cur", "ccy", "currency code",
		"devise", "monnaie", "code devise",
		"währung", "waehrung",
		"moneda", "divisa",
		"valuta",
	},
}

// normalize folds a header for comparison: lower case, accents dropped,
// only letters and digits kept (ß becomes ss).
func normalize(s string) string {
	return strings.Join(tokens(s), "")
}

// tokens splits a header into lower-case ASCII-folded words.
func tokens(s string) []string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		folded = s
	}
	folded = strings.ReplaceAll(strings.ToLower(folded), "ß", "ss")
	return strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// currencyWords are currency marks a header may carry ("Value EUR",
// "Montant (€)"): they name the currency and are not part of the field.
var currencyWords = map[string]string{"eur": "EUR", "usd": "USD", "gbp": "GBP", "chf": "CHF", "€": "EUR", "$": "USD", "£": "GBP"}

// headerMatch is the field one header column was mapped to.
type headerMatch struct {
	Field, Header string
	Col           int
	Score         float64 // 1 exact synonym, below: partial
	Synonym       string
}

// headerMap is the mapping of a header row to canonical fields.
type headerMap struct {
	Matches  []headerMatch // in field order
	Unmapped []string      // non-empty headers mapped to no field
	Currency string        // a currency named in a header, e.g. "Value EUR"
}

func (m headerMap) col(field string) (headerMatch, bool) {
	for _, h := range m.Matches {
		if h.Field == field {
			return h, true
		}
	}
	return headerMatch{}, false
}

// mapHeader maps header cells to canonical fields: an exact synonym wins,
// else the longest synonym whose words all appear in the header (score =
// its share of the header's letters; it must hold half of the letters or
// half of the words). fits, when not nil, vetoes a column for a field by
// its values. Each field takes one column and each column one field, best
// scores first.
func mapHeader(header []string, fits func(field string, col int) bool) headerMap {
	var out headerMap
	var cands []headerMatch
	type synonym struct {
		text, key string
		words     []string
	}
	index := map[string][]synonym{}
	for _, f := range fields {
		for _, s := range synonyms[f] {
			w := tokens(s)
			index[f] = append(index[f], synonym{s, strings.Join(w, ""), w})
		}
	}
	first := map[string]bool{}
	for col, h := range header {
		// ingest finds a header name at its first column only.
		if name := strings.TrimSpace(h); first[name] {
			continue
		} else {
			first[name] = true
		}
		words := tokens(h)
		for _, sym := range []string{"€", "$", "£"} {
			if strings.Contains(h, sym) && out.Currency == "" {
				out.Currency = currencyWords[sym]
			}
		}
		kept := words[:0:0]
		for _, w := range words {
			if c, ok := currencyWords[w]; ok && len(words) > 1 {
				if out.Currency == "" {
					out.Currency = c
				}
				continue
			}
			kept = append(kept, w)
		}
		key := strings.Join(kept, "")
		if key == "" {
			continue
		}
		for _, f := range fields {
			best := headerMatch{Field: f, Header: h, Col: col}
			for _, sy := range index[f] {
				s, sw, sk := sy.text, sy.words, sy.key
				switch {
				case sk == key:
					best.Score, best.Synonym = 1, s
				case containsWords(kept, sw):
					sc := float64(len(sk)) / float64(len(key))
					words := float64(len(sw)) / float64(len(kept))
					if (sc >= 0.5 || words >= 0.5 && sc >= 0.25) && sc > best.Score {
						best.Score, best.Synonym = sc, s
					}
				}
				if best.Score == 1 {
					break
				}
			}
			if best.Score > 0 && (fits == nil || fits(f, col)) {
				cands = append(cands, best)
			}
		}
	}
	slices.SortStableFunc(cands, func(a, b headerMatch) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return a.Col - b.Col
	})
	usedCol := map[int]bool{}
	usedField := map[string]bool{}
	for _, c := range cands {
		if usedCol[c.Col] || usedField[c.Field] {
			continue
		}
		usedCol[c.Col], usedField[c.Field] = true, true
		out.Matches = append(out.Matches, c)
	}
	slices.SortFunc(out.Matches, func(a, b headerMatch) int {
		return slices.Index(fields, a.Field) - slices.Index(fields, b.Field)
	})
	for col, h := range header {
		if !usedCol[col] && strings.TrimSpace(h) != "" {
			out.Unmapped = append(out.Unmapped, h)
		}
	}
	return out
}

// containsWords tells whether the words of sub appear in words, in order
// and next to each other.
func containsWords(words, sub []string) bool {
	if len(sub) == 0 || len(sub) > len(words) {
		return false
	}
	for i := 0; i+len(sub) <= len(words); i++ {
		if slices.Equal(words[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// note explains a partial header match.
func (h headerMatch) note() string {
	if h.Score >= 1 {
		return ""
	}
	return fmt.Sprintf("guess: header %q only partly matches %q", h.Header, h.Synonym)
}
