package diag

import (
	"errors"
	"io/fs"
	"testing"
)

func TestError(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Code: Config, File: "cs.yaml", Line: 4, Column: 5, Msg: `unknown key "delimeter"`}, `cs.yaml:4:5: unknown key "delimeter"`},
		{&Error{Code: Config, File: "cs.yaml", Msg: "empty configuration"}, "cs.yaml: empty configuration"},
		{&Error{Code: Stage, Op: "stage", File: "0020_cleanse.sql", Line: 45, Err: errors.New("Binder Error")}, "stage 0020_cleanse.sql:45: Binder Error"},
		{&Error{Code: Feed, File: "feeds/2026-10/alpi/a.xlsx", Row: 12, Msg: "formula without value"}, "feeds/2026-10/alpi/a.xlsx row 12: formula without value"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	var e *Error
	wrapped := errors.Join(errors.New("x"), &Error{Code: Feed, File: "f", Err: fs.ErrNotExist})
	if !errors.As(wrapped, &e) || e.Code != Feed || !errors.Is(wrapped, fs.ErrNotExist) {
		t.Errorf("errors.As/Is through the chain: %v", wrapped)
	}
}
