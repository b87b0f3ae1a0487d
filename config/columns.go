package config

import (
	"fmt"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"
)

// Names is the header name, or the list of names, a distributor has used
// for one canonical field: `quantity: Qté` or `quantity: ["Qté", "Qty"]`.
// Distributors rename columns between exports; any of the names matches.
type Names []string

// UnmarshalYAML takes a string or a list of strings.
func (n *Names) UnmarshalYAML(v *yaml.Node) error {
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			*n = nil
			return nil
		}
		*n = Names{v.Value}
		return nil
	case yaml.SequenceNode:
		out := make(Names, 0, len(v.Content))
		for _, item := range v.Content {
			if item.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: a column name must be a string", item.Line)
			}
			out = append(out, item.Value)
		}
		*n = out
		return nil
	}
	return fmt.Errorf("line %d: a column must be a header name or a list of names", v.Line)
}

// String shows the names as written in the config.
func (n Names) String() string {
	if len(n) == 1 {
		return fmt.Sprintf("%q", n[0])
	}
	q := make([]string, len(n))
	for i, s := range n {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// Columns maps canonical fields to the distributor's header names.
type Columns struct {
	InvoiceID        Names `yaml:"invoice_id"`
	InvoiceLine      Names `yaml:"invoice_line"`
	InvoiceDate      Names `yaml:"invoice_date"`
	ResellerAccount  Names `yaml:"reseller_account"`
	ResellerName     Names `yaml:"reseller_name"`
	ResellerTaxID    Names `yaml:"reseller_tax_id"`
	ResellerAddress  Names `yaml:"reseller_address"`
	ResellerPostcode Names `yaml:"reseller_postcode"`
	ResellerCity     Names `yaml:"reseller_city"`
	SKU              Names `yaml:"sku"`
	Quantity         Names `yaml:"quantity"`
	Amount           Names `yaml:"amount"`
	Currency         Names `yaml:"currency"`
}

// Field is one canonical feed field and the header names a distributor uses.
type Field struct {
	Name    string
	Headers Names
}

// Fields lists the canonical fields in a fixed order, with the configured
// headers (none when the distributor does not send the field).
func (c Columns) Fields() []Field {
	return []Field{
		{"invoice_id", c.InvoiceID}, {"invoice_line", c.InvoiceLine}, {"invoice_date", c.InvoiceDate},
		{"reseller_account", c.ResellerAccount}, {"reseller_name", c.ResellerName},
		{"reseller_tax_id", c.ResellerTaxID}, {"reseller_address", c.ResellerAddress},
		{"reseller_postcode", c.ResellerPostcode}, {"reseller_city", c.ResellerCity},
		{"sku", c.SKU}, {"quantity", c.Quantity}, {"amount", c.Amount}, {"currency", c.Currency},
	}
}

// NormalizeHeader is the form in which header names are compared: case,
// accents, spaces (also no-break ones) and a byte-order mark do not count,
// so "Qté", "QTE" and "q té" are one name. Punctuation counts ("N°" is not "N").
func NormalizeHeader(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), unicode.IsSpace(r), r == '\u00a0', r == '\u202f', r == '\ufeff':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// validate checks the required fields and that no header name serves two fields.
func (c Columns) validate(p *checker, at func(string) string) {
	for _, f := range []Field{{"invoice_id", c.InvoiceID}, {"invoice_date", c.InvoiceDate},
		{"sku", c.SKU}, {"quantity", c.Quantity}, {"amount", c.Amount}} {
		if len(f.Headers) == 0 {
			p.add(at("columns"), "column %s is required", f.Name)
		}
	}
	if len(c.ResellerAccount) == 0 && len(c.ResellerName) == 0 && len(c.ResellerTaxID) == 0 {
		p.add(at("columns"), "one of reseller_account, reseller_name, reseller_tax_id is required")
	}
	checkHeaders(p, c.Fields(), at)
}

// checkHeaders refuses a header name that is empty once normalised, or that
// two fields claim (a feed's columns, a stock report's).
func checkHeaders(p *checker, fields []Field, at func(string) string) {
	headers := map[string]string{}
	for _, f := range fields {
		for _, h := range f.Headers {
			key := NormalizeHeader(h)
			if key == "" {
				p.add(at("columns."+f.Name), "header name %q is empty once spaces are ignored", h)
				continue
			}
			if other, dup := headers[key]; dup && other != f.Name {
				p.add(at("columns."+f.Name), "header %q is already mapped to %s", h, other)
			}
			headers[key] = f.Name
		}
	}
}
