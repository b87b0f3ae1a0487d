//go:build linux && (amd64 || arm64) && !glibcmalloc

// DuckDB's C++ objects (plans, vectors, expressions, strings) go through
// the global operator new, which is glibc's malloc: 14% of the CPU of a
// catch-up of the sample's months was glibc's malloc and free (perf,
// 2026-11-27). DuckDB's Linux builds already carry jemalloc, under the
// prefix duckdb_je_, for its buffers; routing operator new and delete to
// it too cut that catch-up's CPU by 11%. The executable defines these, so
// the dynamic linker binds libstdc++'s own calls to them as well: every
// allocation and its release go to the same allocator. The aligned and
// nothrow forms stay libstdc++'s, which pair among themselves (aligned)
// or call these (nothrow). Build with -tags glibcmalloc to measure
// without it.

#include <cstddef>
#include <new>

extern "C" {
void *duckdb_je_malloc(std::size_t size);
void duckdb_je_free(void *ptr);
}

void *operator new(std::size_t size) {
	void *p = duckdb_je_malloc(size ? size : 1);
	if (!p)
		throw std::bad_alloc();
	return p;
}

void *operator new[](std::size_t size) { return operator new(size); }

void operator delete(void *p) noexcept { duckdb_je_free(p); }

void operator delete[](void *p) noexcept { duckdb_je_free(p); }

// The sized forms ignore the size: jemalloc's sdallocx trusts it, and a
// delete through a base class without a virtual destructor, harmless
// with glibc, would then corrupt the heap.
void operator delete(void *p, std::size_t) noexcept { duckdb_je_free(p); }

void operator delete[](void *p, std::size_t) noexcept { duckdb_je_free(p); }
