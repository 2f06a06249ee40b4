package gguf_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"slmscope/engine/gguf"
	"slmscope/engine/gguf/ggufbad"
)

// TestWriteSeedCorpus regenerates testdata/fuzz/FuzzParse/seed-* from the tiny model and the
// ggufbad cases when SLMSCOPE_WRITE_FUZZ_SEEDS=1; otherwise it checks the seeds are present.
func TestWriteSeedCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzParse")
	model := gguf.MicroModelForTest()
	cases, err := ggufbad.Cases(model)
	if err != nil {
		t.Fatal(err)
	}
	seeds := map[string][]byte{"seed-micro-model": model}
	for _, c := range cases {
		seeds["seed-bad-"+c.Name] = c.Data
	}
	if os.Getenv("SLMSCOPE_WRITE_FUZZ_SEEDS") != "1" {
		for name := range seeds {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				t.Errorf("fuzz seed missing (regenerate with SLMSCOPE_WRITE_FUZZ_SEEDS=1): %v", err)
			}
		}
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range seeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(data)))
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
