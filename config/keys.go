package config

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/channelscope/channelscope/diag"
	"go.yaml.in/yaml/v3"
)

var (
	typeOfConfig = reflect.TypeFor[Config]()
	typeOfNames  = reflect.TypeFor[Names]()
)

// checker walks the YAML tree against the Go types: it rejects unknown keys
// and remembers where each key sits so later checks can point at it.
type checker struct {
	file string
	pos  map[string][2]int // dotted path -> line, column of its value
	errs []error
}

func (p *checker) keys(n *yaml.Node, t reflect.Type, path string) {
	if p.pos == nil {
		p.pos = map[string][2]int{}
	}
	p.pos[path] = [2]int{n.Line, n.Column}
	if t == typeOfNames {
		return // a name or a list of names: Names.UnmarshalYAML checks its shape
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if n.Tag == "!!null" {
				return
			}
			p.errs = append(p.errs, &Error{Code: diag.Config, File: p.file, Line: n.Line, Column: n.Column, Msg: fmt.Sprintf("%s: expected a mapping", display(path))})
			return
		}
		fields := map[string]reflect.StructField{}
		var names []string
		for i := range t.NumField() {
			f := t.Field(i)
			tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			fields[tag] = f
			names = append(names, tag)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			f, ok := fields[k.Value]
			if !ok {
				slices.Sort(names)
				p.errs = append(p.errs, &Error{Code: diag.Config, File: p.file, Line: k.Line, Column: k.Column,
					Msg: fmt.Sprintf("unknown key %q in %s (known: %s)", k.Value, display(path), strings.Join(names, ", "))})
				continue
			}
			p.keys(v, f.Type, join(path, k.Value))
		}
	case reflect.Map: // e.g. email.recipients.regions: any key, values checked
		if n.Kind != yaml.MappingNode {
			if n.Tag == "!!null" {
				return
			}
			p.errs = append(p.errs, &Error{Code: diag.Config, File: p.file, Line: n.Line, Column: n.Column, Msg: fmt.Sprintf("%s: expected a mapping", display(path))})
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			p.keys(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value))
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			if n.Tag == "!!null" {
				return
			}
			p.errs = append(p.errs, &Error{Code: diag.Config, File: p.file, Line: n.Line, Column: n.Column, Msg: fmt.Sprintf("%s: expected a list", display(path))})
			return
		}
		for i, item := range n.Content {
			p.keys(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

// add records a validation error at the position of path.
func (p *checker) add(path, format string, args ...any) {
	at, ok := p.pos[path]
	for up := path; !ok && up != ""; { // a defaulted key is absent: point at its parent
		up = up[:max(0, strings.LastIndexAny(up, ".["))]
		at, ok = p.pos[up]
	}
	p.errs = append(p.errs, &Error{Code: diag.Config, File: p.file, Line: at[0], Column: at[1], Msg: display(path) + ": " + fmt.Sprintf(format, args...)})
}

func (p *checker) err() error { return errors.Join(p.errs...) }

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func display(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}
