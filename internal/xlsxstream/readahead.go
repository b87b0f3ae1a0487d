package xlsxstream

import (
	"errors"
	"io"
)

// readAhead inflates the sheet in its own goroutine while the scanner
// cuts the previous chunks: on two cores inflating (about a third of the
// read) and scanning overlap.
type readAhead struct {
	full chan []byte // chunks read, in order; closed at the end
	free chan []byte // chunks to read into
	done chan struct{}
	cur  []byte // unread part of the chunk being consumed
	buf  []byte // that chunk whole, to give back
	err  error  // set before full is closed
}

func newReadAhead(r io.Reader, size, chunks int) *readAhead {
	ra := &readAhead{full: make(chan []byte, chunks), free: make(chan []byte, chunks+1), done: make(chan struct{})}
	for range chunks + 1 {
		ra.free <- make([]byte, size)
	}
	go ra.run(r)
	return ra
}

func (ra *readAhead) run(r io.Reader) {
	defer close(ra.full)
	for {
		var b []byte
		select {
		case b = <-ra.free:
		case <-ra.done:
			return
		}
		n, err := io.ReadFull(r, b)
		if n > 0 {
			select {
			case ra.full <- b[:n]:
			case <-ra.done:
				return
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				ra.err = err
			}
			return
		}
	}
}

func (ra *readAhead) Read(p []byte) (int, error) {
	if len(ra.cur) == 0 {
		if ra.buf != nil {
			ra.free <- ra.buf[:cap(ra.buf)]
			ra.buf = nil
		}
		b, ok := <-ra.full
		if !ok {
			if ra.err != nil {
				return 0, ra.err
			}
			return 0, io.EOF
		}
		ra.cur, ra.buf = b, b
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}

// stop ends the goroutine and waits for it: the reader under it can then
// be closed.
func (ra *readAhead) stop() {
	select {
	case <-ra.done:
		return
	default:
		close(ra.done)
	}
	for range ra.full {
	}
}
