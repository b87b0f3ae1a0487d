package reports

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// Every embedded query parses and expands, and every file under queries/
// is one the reports run: a query left behind by a refactor fails here.
func TestEmbeddedQueries(t *testing.T) {
	t.Parallel()
	sub, err := fs.Sub(queryFiles, "queries")
	if err != nil {
		t.Fatal(err)
	}
	q, err := parseQueries(sub, queryNames)
	if err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(sub, "*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, ok := q[strings.TrimSuffix(f, ".sql")]; !ok || !strings.HasSuffix(f, ".sql") {
			t.Errorf("queries/%s is not a query the reports run", f)
		}
	}
	if len(files) != len(queryNames) {
		t.Errorf("%d files under queries/, %d queries run", len(files), len(queryNames))
	}
}

// A missing, empty or malformed query fails construction, naming the file.
func TestParseQueriesErrors(t *testing.T) {
	t.Parallel()
	good := &fstest.MapFile{Data: []byte(`SELECT * FROM {{.Table "kpis"}} WHERE kpi = ?`)}
	cases := []struct {
		name string
		file *fstest.MapFile // nil: absent
		want string
	}{
		{"absent", nil, "query b.sql: open b.sql: file does not exist"},
		{"empty", &fstest.MapFile{Data: []byte("\n  \n")}, "query b.sql is empty"},
		{"only comments", &fstest.MapFile{Data: []byte("-- the kpis\n-- of the period\n")}, "query b.sql is empty"},
		{"syntax", &fstest.MapFile{Data: []byte(`SELECT * FROM {{.Table "kpis"`)}, "b.sql:1"},
		{"unknown relation", &fstest.MapFile{Data: []byte("-- x\nSELECT * FROM {{.Tables \"kpis\"}}")}, `b.sql:2:16: executing "b.sql" at <.Tables>: can't evaluate field Tables`},
		{"wrong arguments", &fstest.MapFile{Data: []byte(`SELECT * FROM {{.Ago "kpis"}}`)}, "wrong number of args for Ago"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fsys := fstest.MapFS{"a.sql": good}
			if c.file != nil {
				fsys["b.sql"] = c.file
			}
			_, err := parseQueries(fsys, []string{"a", "b"})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("parseQueries: %v\nwant it to say %q", err, c.want)
			}
		})
	}
	if _, err := parseQueries(fstest.MapFS{"a.sql": good}, []string{"a"}); err != nil {
		t.Errorf("a good query: %v", err)
	}
}
