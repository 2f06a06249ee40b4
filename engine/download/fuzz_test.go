package download

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzPinURL: a download URL or pin name from the command line never panics, and a file
// name taken from a URL never leaves the destination folder.
func FuzzPinURL(f *testing.F) {
	for _, p := range Pins() {
		f.Add(p.URL("https://huggingface.co"))
		f.Add(p.Name)
	}
	f.Add("https://example.com/a/../../b.gguf")
	f.Add("https://example.com/%2e%2e/x.gguf")
	f.Add("file:///etc/passwd")
	f.Fuzz(func(t *testing.T, s string) {
		findPin(s)
		u, err := url.Parse(s)
		if err != nil {
			return
		}
		pinForURL(u)
		name, err := fileNameOf(u)
		if err == nil && (name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`)) {
			t.Fatalf("file name %q from %q", name, s)
		}
	})
}
