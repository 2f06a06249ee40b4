package download

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"strings"
)

//go:embed pins.json
var pinsJSON []byte

// Pin is a model slmscope knows how to download: an exact file in a Hugging Face repository.
type Pin struct {
	Name        string `json:"name"`         // what `slmscope download NAME` accepts
	Title       string `json:"title"`        // for people
	Repo        string `json:"repo"`         // "org/name" on the hub
	Revision    string `json:"revision"`     // commit (or branch when no commit could be pinned)
	File        string `json:"file"`         // file name in the repository
	Bytes       int64  `json:"bytes"`        // exact size, or 0 when not pinned
	ApproxBytes int64  `json:"approx_bytes"` // for the free-space check when Bytes is 0
	SHA256      string `json:"sha256"`       // lower-case hex, or "" when not pinned
	// Catalog and Quant name the catalog model and quantization the file is, so its fit and
	// speed can be projected before it is downloaded ("" when it is none of them).
	Catalog string `json:"catalog,omitempty"`
	Quant   string `json:"quant,omitempty"`
	Note    string `json:"note,omitempty"`
}

type pinFile struct {
	Default string `json:"default"`
	Models  []Pin  `json:"models"`
}

// Pins returns the built-in models, the default first.
func Pins() []Pin {
	var pf pinFile
	if err := json.Unmarshal(pinsJSON, &pf); err != nil {
		panic("download: pins.json is broken: " + err.Error()) // caught by the tests
	}
	out := make([]Pin, 0, len(pf.Models))
	for _, p := range pf.Models {
		if p.Name == pf.Default {
			out = append([]Pin{p}, out...)
		} else {
			out = append(out, p)
		}
	}
	return out
}

// DefaultPin is the model `slmscope download` gets with no argument.
func DefaultPin() Pin { return Pins()[0] }

// findPin returns the pin called name (case-insensitive).
func findPin(name string) (Pin, bool) {
	for _, p := range Pins() {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return Pin{}, false
}

// URL is where the hub at endpoint serves the pinned file.
func (p Pin) URL(endpoint string) string {
	return strings.TrimRight(endpoint, "/") + "/" + p.Repo + "/resolve/" + url.PathEscape(p.Revision) + "/" + escapePath(p.File)
}

// pinForURL returns the pin whose hub file a URL names (on any endpoint), so a pasted hub
// link is checked against the pinned hash too.
func pinForURL(u *url.URL) (Pin, bool) {
	for _, p := range Pins() {
		want := "/" + p.Repo + "/resolve/"
		rest, ok := strings.CutPrefix(u.Path, want)
		if !ok {
			continue
		}
		if _, file, ok := strings.Cut(rest, "/"); ok && file == p.File {
			return p, true
		}
	}
	return Pin{}, false
}

// pinNames lists the built-in names for error messages.
func pinNames() string {
	var n []string
	for _, p := range Pins() {
		n = append(n, p.Name)
	}
	return strings.Join(n, ", ")
}

// escapePath escapes each element of a slash-separated path.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// fileNameOf is the last path element of a URL, or an error when there is none.
func fileNameOf(u *url.URL) (string, error) {
	name := path.Base(u.Path)
	if name == "" || name == "/" || name == "." || name == ".." || strings.ContainsAny(name, `\:`) {
		return "", fmt.Errorf("the URL %s does not end in a file name: give the address of the .gguf file itself", u)
	}
	return name, nil
}
