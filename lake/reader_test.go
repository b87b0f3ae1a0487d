package lake_test

import (
	"testing"

	"github.com/channelscope/channelscope/lake"
)

func TestOpenReaderThreads(t *testing.T) {
	t.Parallel()
	db, err := lake.OpenReader(1)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRow(`SELECT current_setting('threads')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("threads %d, want 1", n)
	}
	if _, err := lake.OpenReader(-1); err == nil {
		t.Error("OpenReader(-1): no error")
	}
}
