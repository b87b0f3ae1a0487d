package config

import (
	"io/fs"
	"strings"
	"testing"
)

func TestOutputPermissions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml  string
		files, dirs fs.FileMode
		err         string
	}{
		{"defaults", "", 0o640, 0o750, ""},
		{"custom", "output_permissions:\n  files: \"0600\"\n  dirs: \"700\"\n", 0o600, 0o700, ""},
		{"only dirs", "output_permissions:\n  dirs: \"0755\"\n", 0o640, 0o755, ""},
		{"not octal", "output_permissions:\n  files: \"0648\"\n", 0, 0, "cs.yaml:2:10: output_permissions.files: must be an octal mode"},
		{"unquoted", "output_permissions:\n  files: 640\n  dirs: 0750\n", 0o640, 0o750, ""},
		{"executable file", "output_permissions:\n  files: \"0750\"\n", 0, 0, "cs.yaml:2:10: output_permissions.files: must be an octal mode"},
		{"world writable", "output_permissions:\n  files: \"0666\"\n", 0, 0, "cs.yaml:2:10: output_permissions.files"},
		{"dir owner cannot enter", "output_permissions:\n  dirs: \"0640\"\n", 0, 0, "cs.yaml:2:9: output_permissions.dirs: must be an octal mode"},
		{"too long", "output_permissions:\n  dirs: \"00750\"\n", 0, 0, "cs.yaml:2:9: output_permissions.dirs"},
		{"unknown key", "output_permissions:\n  file: \"0640\"\n", 0, 0, "cs.yaml:2:3: unknown key \"file\" in output_permissions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("cs.yaml", []byte(tt.yaml+minimal))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.OutputPermissions; got.FileMode() != tt.files || got.DirMode() != tt.dirs {
				t.Errorf("modes %#o %#o, want %#o %#o", got.FileMode(), got.DirMode(), tt.files, tt.dirs)
			}
		})
	}
}
