package pipeline

import (
	"runtime/debug"
)

// IngestVersion is the version of what the Go side hands the SQL stages
// (decoding, record splitting, field typing done in Go). The SQL stages
// carry their own versions and checksums; bump this when a change of the
// Go ingest changes the rows of raw_lines or feed_fields for the same
// input, so that every period becomes due again ("ingest changed").
// A new build that does not change them (a report layout, the mailer)
// must not rerun 24 months, which is why the VCS revision alone is only
// recorded, not compared.
const IngestVersion = 3 // 3: Go splits the fields; a stray quote costs one line; merged XLSX cells filled

// Build identifies the binary that made a run.
type Build struct {
	Module   string `json:"module,omitempty"`
	Version  string `json:"version,omitempty"`  // module version, "(devel)" for a local build
	Revision string `json:"revision,omitempty"` // VCS revision
	Time     string `json:"time,omitempty"`     // VCS commit time
	Modified bool   `json:"modified,omitempty"` // built from a tree with uncommitted changes
	Go       string `json:"go,omitempty"`
	Ingest   int    `json:"ingest_version"`
}

// buildInfo reads the binary's identity from debug.ReadBuildInfo.
func buildInfo() Build {
	b := Build{Ingest: IngestVersion}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.Module, b.Version, b.Go = bi.Main.Path, bi.Main.Version, bi.GoVersion
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}
