// Package ident gives models one identity for maps, preferences and run records. A catalog
// model (measured as a twin or projected) is its catalog id plus a quant.Quant; a model file
// is its path. Labels are made for people and never parsed back; a Key is made for programs.
package ident

import (
	"fmt"
	"path/filepath"
	"strings"

	"slmscope/engine/quant"
)

// Key identifies one model: "twin:smollm2-135m@Q8_0" or "file:/abs/path/model.gguf".
type Key string

// Twin is the key of catalog model id at quant q (its twin, its projection and its Compare
// row share it).
func Twin(id string, q quant.Quant) Key {
	return Key("twin:" + strings.ToLower(id) + "@" + string(quant.Canonical(string(q))))
}

// File is the key of a model file, by its absolute, cleaned path.
func File(path string) Key {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return Key("file:" + filepath.Clean(path))
}

// IsZero says the key names nothing.
func (k Key) IsZero() bool { return k == "" }

// Catalog returns the catalog id and quant of a twin key; ok is false for a file key.
func (k Key) Catalog() (id string, q quant.Quant, ok bool) {
	rest, found := strings.CutPrefix(string(k), "twin:")
	if !found {
		return "", "", false
	}
	id, qs, found := strings.Cut(rest, "@")
	if !found || id == "" || qs == "" {
		return "", "", false
	}
	return id, quant.Canonical(qs), true
}

// Path returns the file of a file key; ok is false for a twin key.
func (k Key) Path() (string, bool) {
	p, ok := strings.CutPrefix(string(k), "file:")
	return p, ok && p != ""
}

// Parse checks a stored key (a preference) and returns it, or says what is wrong with it.
func Parse(s string) (Key, error) {
	k := Key(s)
	if _, _, ok := k.Catalog(); ok {
		return k, nil
	}
	if _, ok := k.Path(); ok {
		return k, nil
	}
	return "", fmt.Errorf("not a model key: %q (want twin:ID@QUANT or file:PATH)", s)
}
