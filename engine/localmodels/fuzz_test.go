package localmodels

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzOllamaManifest: an Ollama manifest never panics the scan; it names a blob inside the
// store's blobs folder or gives a problem.
func FuzzOllamaManifest(f *testing.F) {
	f.Add([]byte(`{"schemaVersion":2,"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:` +
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" + `","size":10}]}`))
	f.Add([]byte(`{"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:../../etc/passwd"}]}`))
	f.Add([]byte(`{"layers":null}`))
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(root, "manifest")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c := ollamaCandidate(root, "m", p)
		if c.problem == "" && filepath.Dir(c.path) != filepath.Join(root, "blobs") {
			t.Fatalf("blob outside the store: %s", c.path)
		}
	})
}
