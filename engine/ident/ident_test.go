package ident

import (
	"path/filepath"
	"testing"

	"slmscope/engine/quant"
)

func TestKeys(t *testing.T) {
	k := Twin("SmolLM2-135M", "q8_0")
	if k != "twin:smollm2-135m@Q8_0" {
		t.Fatalf("twin key %q", k)
	}
	id, q, ok := k.Catalog()
	if !ok || id != "smollm2-135m" || q != quant.Q8_0 {
		t.Fatalf("Catalog() = %q %q %v", id, q, ok)
	}
	if _, ok := k.Path(); ok {
		t.Fatal("a twin key has no path")
	}
	abs, _ := filepath.Abs("m.gguf")
	f := File("m.gguf")
	if p, ok := f.Path(); !ok || p != abs {
		t.Fatalf("file key %q → %q", f, p)
	}
	if _, _, ok := f.Catalog(); ok {
		t.Fatal("a file key has no catalog id")
	}
	for _, s := range []string{"", "SmolLM2-135M (twin, Q8_0)", "twin:@Q8_0", "twin:x", "file:"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted a label or a broken key", s)
		}
	}
	if got, err := Parse(string(k)); err != nil || got != k {
		t.Fatalf("Parse(%q) = %q, %v", k, got, err)
	}
}
