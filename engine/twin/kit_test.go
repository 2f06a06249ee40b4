package twin

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"slmscope/engine/catalog"
)

// TestKitExportImport puts a cached twin on a "USB stick" and into a fresh cache, and refuses
// what a kit must not carry: a twin cut short, a file that is not a twin, a foreign format.
func TestKitExportImport(t *testing.T) {
	src := testCache(t, 0)
	if _, err := src.Path(context.Background(), catalog.Tiny, Q4_0, nil); err != nil {
		t.Fatal(err)
	}
	stick := t.TempDir()
	got, err := src.Export(stick)
	if err != nil || len(got) != 1 {
		t.Fatalf("Export: %v, %v", got, err)
	}
	name := FileName(catalog.Tiny, Q4_0)
	// Damage: a copy cut short, a stray file, a twin of an older writer.
	data, _ := os.ReadFile(filepath.Join(stick, name))
	os.WriteFile(filepath.Join(stick, FileName(catalog.Tiny, Q8_0)), data[:len(data)/2], 0o644)
	os.WriteFile(filepath.Join(stick, "notes.gguf"), []byte("hello"), 0o644)
	os.WriteFile(filepath.Join(stick, strings.Replace(name, ".twin1.", ".twin2.", 1)), data, 0o644)

	dst := testCache(t, 0)
	imported, problems, err := dst.Import(stick)
	if err != nil || len(imported) != 1 || imported[0].ID != "tiny" || imported[0].Quant != Q4_0 {
		t.Fatalf("Import: %+v, problems %q, %v", imported, problems, err)
	}
	all := strings.Join(problems, "\n")
	for _, want := range []string{"cut short", "not a twin file name", "another slmscope"} {
		if !strings.Contains(all, want) {
			t.Errorf("problems %q lack %q", problems, want)
		}
	}
	if ids := cachedIDs(t, dst); len(ids) != 1 || ids[0] != "tiny.q4_0" {
		t.Errorf("cache after import: %v", ids)
	}
	if !dst.Has(catalog.Tiny, Q4_0) {
		t.Error("the imported twin is not usable (no stamp?)")
	}
}
