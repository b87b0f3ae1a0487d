//go:build !symbols

package lake

// Every binary that links DuckDB imports this package, so these host
// linker flags reach all of them (cgo LDFLAGS apply to the whole link):
//
//   - -s drops the symbol tables, as release builds do with -ldflags="-s
//     -w". Panics and pprof still name Go functions (the runtime's own
//     pclntab); C++ exceptions still unwind (.eh_frame stays).
//   - --no-export-dynamic: DuckDB's 60,000 C++ symbols need no dynamic
//     export, since no extension is loaded at run time (all are built in).
//
// Together they take a third off every link (about 1.4 s of CPU for each
// of the 8 test binaries `go test ./...` links, which it never caches) and
// a quarter off the binary. Build with -tags symbols to keep the symbols
// for perf or a debugger. alloc.cc, beside this, is linked into the same
// binaries for the same reason: it routes DuckDB's C++ allocations to the
// jemalloc DuckDB carries.

// #cgo LDFLAGS: -Wl,-s -Wl,--no-export-dynamic
import "C"
