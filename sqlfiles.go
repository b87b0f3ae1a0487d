// Package channelscope holds the versioned SQL stages of the pipeline.
//
// The stages live in sql/ as plain .sql files (runnable by hand in any
// DuckDB shell); this package only embeds them. A Go package named sql
// would shadow database/sql, hence the embedding from the module root.
package channelscope

import (
	"embed"
	"io/fs"
)

//go:embed sql/*.sql
var stageFiles embed.FS

// Stages returns the embedded stage files, named NNNN_name.sql at the root.
func Stages() fs.FS {
	sub, err := fs.Sub(stageFiles, "sql")
	if err != nil { // only if the literal "sql" were not a valid path
		panic(err)
	}
	return sub
}
