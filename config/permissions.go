package config

import (
	"io/fs"
	"regexp"
	"strconv"
)

// OutputPermissions are the modes of what channelscope writes under the
// output folder (the lake, manifests, reports), as octal strings.
type OutputPermissions struct {
	// Files is the mode of every file. Default "0640": the owner writes,
	// the group (BI readers) reads, nobody else.
	Files string `yaml:"files"`
	// Dirs is the mode of every folder. Default "0750".
	Dirs string `yaml:"dirs"`
}

func defaultOutputPermissions() OutputPermissions {
	return OutputPermissions{Files: "0640", Dirs: "0750"}
}

var octalMode = regexp.MustCompile(`^0?[0-7]{3}$`)

// validate wants octal modes that let the owner work (files rw, folders
// rwx), give nobody else write access, and make no file executable.
func (o *OutputPermissions) validate(p *checker) {
	if m, ok := parseMode(o.Files); !ok || m&0o600 != 0o600 || m&0o111 != 0 || m&0o022 != 0 {
		p.add("output_permissions.files", "must be an octal mode such as \"0640\" with owner read and write, no execute bit and no write for group or others, got %q", o.Files)
	}
	if m, ok := parseMode(o.Dirs); !ok || m&0o700 != 0o700 || m&0o022 != 0 {
		p.add("output_permissions.dirs", "must be an octal mode such as \"0750\" with owner read, write and search, and no write for group or others, got %q", o.Dirs)
	}
}

func parseMode(s string) (fs.FileMode, bool) {
	if !octalMode.MatchString(s) {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 8, 32)
	return fs.FileMode(n), err == nil
}

// FileMode is the validated mode of files.
func (o OutputPermissions) FileMode() fs.FileMode { m, _ := parseMode(o.Files); return m }

// DirMode is the validated mode of folders.
func (o OutputPermissions) DirMode() fs.FileMode { m, _ := parseMode(o.Dirs); return m }
