// Copyright ©2021 The go-pdf Authors. All rights reserved.
// Use of this source code is governed by a MIT-style
// license that can be found in the LICENSE file.

package fpdf

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/zlib"
)

// zwriters keeps zlib writers for reuse, by compression level: a new one
// allocates about 1 MB (channelscope patch). They are
// github.com/klauspost/compress's: the same format as compress/zlib, two
// to three times faster at a level, and a reset clears no hash table
// (compress/zlib clears 640 KB at each reset from level 2 on, more than
// compressing a page's few KB).
var zwriters [zlib.BestCompression + 1]sync.Pool

// zwriter gives a pooled zlib writer of a level from BestSpeed to
// BestCompression, writing to w.
func zwriter(level int, w io.Writer) *zlib.Writer {
	if zw, ok := zwriters[level].Get().(*zlib.Writer); ok {
		zw.Reset(w)
		return zw
	}
	zw, err := zlib.NewWriterLevel(w, level)
	if err != nil {
		panic(fmt.Errorf("could not create zlib writer: %w", err))
	}
	return zw
}

var xmem = xmempool{
	Pool: sync.Pool{
		New: func() interface{} {
			var m membuffer
			return &m
		},
	},
}

type xmempool struct{ sync.Pool }

func (pool *xmempool) compress(data []byte) *membuffer {
	return pool.compressLevel(data, zlib.BestSpeed)
}

// compressLevel compresses at a level from BestSpeed to BestCompression
// (channelscope patch).
func (pool *xmempool) compressLevel(data []byte, level int) *membuffer {
	mem := pool.Get().(*membuffer)
	buf := &mem.buf
	buf.Grow(len(data))

	zw := zwriter(level, buf)
	defer zwriters[level].Put(zw)
	_, err := zw.Write(data)
	if err != nil {
		panic(fmt.Errorf("could not zlib-compress slice: %w", err))
	}

	err = zw.Close()
	if err != nil {
		panic(fmt.Errorf("could not close zlib writer: %w", err))
	}
	return mem
}

func (pool *xmempool) uncompress(data []byte) (*membuffer, error) {
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}

	mem := pool.Get().(*membuffer)
	mem.buf.Reset()

	_, err = mem.buf.ReadFrom(zr)
	if err != nil {
		mem.release()
		return nil, err
	}

	return mem, nil
}

type membuffer struct {
	buf bytes.Buffer
}

func (mem *membuffer) bytes() []byte { return mem.buf.Bytes() }
func (mem *membuffer) release() {
	mem.buf.Reset()
	xmem.Put(mem)
}

func (mem *membuffer) copy() []byte {
	src := mem.bytes()
	dst := make([]byte, len(src))
	copy(dst, src)
	return dst
}
