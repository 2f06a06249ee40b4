package twin

// Helpers shared by the twin package's tests.

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"

	"slmscope/engine/catalog"
	"slmscope/engine/gguf"
)

// model returns the catalog entry id or fails t.
func model(t testing.TB, id string) catalog.Model {
	t.Helper()
	m, ok := catalog.ByID(id)
	if !ok {
		t.Fatalf("catalog has no %s", id)
	}
	return m
}

// writeTwin writes the twin of m at q into a temporary folder and returns its path.
func writeTwin(t testing.TB, m catalog.Model, q Quant) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), FileName(m, q))
	if err := Write(context.Background(), m, q, p, nil); err != nil {
		t.Fatalf("Write(%s, %s): %v", m.ID, q, err)
	}
	return p
}

// openTwin writes the twin of m at q and opens it with slmscope's own reader.
func openTwin(t testing.TB, m catalog.Model, q Quant) (*gguf.File, string) {
	t.Helper()
	p := writeTwin(t, m, q)
	f, err := gguf.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	return f, p
}

// readTwin is openTwin that returns the file's bytes too, for reading tensor data back.
func readTwin(t testing.TB, m catalog.Model, q Quant) (*gguf.File, []byte) {
	t.Helper()
	f, p := openTwin(t, m, q)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return f, data
}

// fileHash is the SHA-256 of the file at p.
func fileHash(t *testing.T, p string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// parseCase is one row of a parse function's table test: in parses to want, or fails
// (returning want, the zero value) when ok is false.
type parseCase[T comparable] struct {
	in   string
	want T
	ok   bool
}

// checkParse runs parse, named name in messages, on every case and reports each result
// that differs.
func checkParse[T comparable](t *testing.T, name string, parse func(string) (T, error), cases []parseCase[T]) {
	t.Helper()
	for _, tc := range cases {
		got, err := parse(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("%s(%q) = %v, %v; want %v, ok=%v", name, tc.in, got, err, tc.want, tc.ok)
		}
	}
}
