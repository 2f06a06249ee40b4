// Package clocale maps the POSIX "C" locale to plain English before Fyne reads the locale.
//
// Fyne parses $LC_ALL / $LC_MESSAGES / $LANG in its package initialisation and logs three
// "Fyne error: Error parsing user locale C" lines to stderr when the value is "C", "C.UTF-8"
// or "POSIX", which breaks the command-line tools' one-line errors. "C" means "no
// localisation", which is English, so LC_MESSAGES=en_US.UTF-8 says the same thing in a form
// Fyne understands. (libc ignores the variable: Go never calls setlocale.)
//
// It is a module of its own only for its import path: Go initialises ready packages in
// import-path order, and "a.slmscope/..." sorts before "fyne.io/...", so this init runs first.
package clocale

import (
	"os"
	"strings"
)

func init() {
	if os.Getenv("LC_ALL") != "" {
		return // an explicit LC_ALL overrides LC_MESSAGES; leave the user's choice alone
	}
	v := os.Getenv("LC_MESSAGES")
	if v == "" {
		v = os.Getenv("LANG")
	}
	if IsC(v) {
		os.Setenv("LC_MESSAGES", "en_US.UTF-8")
	}
}

// IsC reports whether a locale value names the POSIX locale.
func IsC(v string) bool {
	base, _, _ := strings.Cut(v, ".")
	return base == "C" || base == "POSIX"
}
