//go:build linux && (amd64 || arm64) && !glibcmalloc

package lake

// alloc.cc routes DuckDB's C++ allocations to the jemalloc DuckDB carries
// (why there). cgo builds a package's C++ files only when one of its Go
// files imports "C", whatever the other build tags (link.go drops out
// under -tags symbols).

import "C"
