package review_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/channelscope/channelscope/review"
)

// Appending keeps the existing bytes as they are (line ends, a missing
// final newline, quoting), writes the header into a new file, and refuses
// to append to a file the run could not read, naming line and column.
func TestStoreAppend(t *testing.T) {
	t.Parallel()
	row := review.Override{Distributor: "d", Account: "d:acct:A", PartnerID: "P1", Note: `said "yes", twice`}
	for _, tt := range []struct {
		name, before, want, err string
	}{
		{name: "absent", want: "distributor,reseller_account,partner_id,note\nd,d:acct:A,P1,\"said \"\"yes\"\", twice\"\n"},
		{name: "lf", before: "distributor,reseller_account,partner_id,note\nd,B,,\n",
			want: "distributor,reseller_account,partner_id,note\nd,B,,\nd,d:acct:A,P1,\"said \"\"yes\"\", twice\"\n"},
		{name: "crlf without final newline", before: "distributor,reseller_account,partner_id,note\r\nd,B,, by hand ",
			want: "distributor,reseller_account,partner_id,note\r\nd,B,, by hand \r\nd,d:acct:A,P1,\"said \"\"yes\"\", twice\"\r\n"},
		{name: "unreadable", before: "distributor,reseller_account,partner_id,note\nd,B,\"P1,\n", err: "line 2, column"},
		{name: "wrong width", before: "distributor,reseller_account,partner_id,note\nd,B\n", err: "wrong number of fields"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "match_overrides.csv")
			if tt.before != "" {
				writeFile(t, path, tt.before)
			}
			s, err := review.NewStore(path)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Append(context.Background(), []review.Override{row})
			got, _ := os.ReadFile(path)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || string(got) != tt.before {
					t.Errorf("error %v (want %q), file now %q", err, tt.err, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("file:\n%q\nwant:\n%q", got, tt.want)
			}
			rows, err := s.Read()
			if err != nil || rows[len(rows)-1].Note != row.Note || rows[len(rows)-1].Line != strings.Count(tt.want, "\n") {
				t.Errorf("read back: %+v %v", rows, err)
			}
			left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*.tmp"))
			if len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}
