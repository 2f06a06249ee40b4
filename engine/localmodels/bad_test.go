package localmodels

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScanBadInput: every broken thing in a store is one entry whose problem says what is
// wrong; nothing else in the store is lost.
func TestScanBadInput(t *testing.T) {
	cases := []struct {
		name    string
		build   func(f *fixture)
		entry   string // source:name of the broken entry
		problem string // substring of its problem
	}{
		{"manifest names a missing blob", func(f *fixture) {
			f.ollamaModel(filepath.Join(f.home, ".ollama", "models"), "registry.ollama.ai", "library", "gone", "latest", hexOf(9), 100, nil)
		}, "ollama:library/gone:latest", "which is missing: run `ollama pull library/gone:latest` again"},
		{"manifest is not JSON", func(f *fixture) {
			writeFile(f.t, filepath.Join(f.home, ".ollama", "models", "manifests", "registry.ollama.ai", "library", "bad", "latest"), "<html>")
		}, "ollama:library/bad:latest", "the manifest is not valid JSON"},
		{"manifest without a model layer", func(f *fixture) {
			writeFile(f.t, filepath.Join(f.home, ".ollama", "models", "manifests", "registry.ollama.ai", "library", "nolayer", "latest"), `{"layers":[]}`)
		}, "ollama:library/nolayer:latest", "has no model layer"},
		{"manifest digest escapes the store", func(f *fixture) {
			writeFile(f.t, filepath.Join(f.home, ".ollama", "models", "manifests", "registry.ollama.ai", "library", "evil", "latest"),
				`{"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:../../../etc/passwd"}]}`)
		}, "ollama:library/evil:latest", "invalid digest"},
		{"blob shorter than its manifest says", func(f *fixture) {
			f.ollamaModel(filepath.Join(f.home, ".ollama", "models"), "registry.ollama.ai", "library", "short", "latest", hexOf(8), 1<<30,
				func(p string) { writeTiny(f.t, p) })
		}, "ollama:library/short:latest", "but its store says 1073741824"},
		{"dangling snapshot symlink", func(f *fixture) {
			symlink(f.t, "../../blobs/deadbeef", filepath.Join(f.home, ".cache", "huggingface", "hub", "models--org--gone", "snapshots", "c1", "m.gguf"))
		}, "huggingface:org/gone/m.gguf", "which does not exist"},
		{"incomplete blob", func(f *fixture) {
			blob := filepath.Join(f.home, ".cache", "huggingface", "hub", "models--org--half", "blobs", "abc.incomplete")
			writeTiny(f.t, blob)
			b, _ := os.ReadFile(blob)
			writeFile(f.t, blob, string(b[:len(b)/2]))
			writeFile(f.t, filepath.Join(f.home, ".cache", "huggingface", "hub", "models--org--half", "blobs", "def.incomplete"), "safetensors bytes")
		}, "huggingface:org/half (partial download)", "an interrupted download of org/half"},
		{"folder named like a model", func(f *fixture) {
			if err := os.MkdirAll(filepath.Join(f.home, ".lmstudio", "models", "pub", "m", "x.gguf"), 0o755); err != nil {
				f.t.Fatal(err)
			}
		}, "lmstudio:pub/m/x.gguf", "is a folder whose name ends in .gguf"},
		{"truncated file", func(f *fixture) {
			p := filepath.Join(f.home, ".cache", "llama.cpp", "cut.gguf")
			writeTiny(f.t, p)
			b, _ := os.ReadFile(p)
			writeFile(f.t, p, string(b[:len(b)-40]))
		}, "llama.cpp:cut.gguf", "file truncated?"},
		{"text file", func(f *fixture) {
			writeFile(f.t, filepath.Join(f.home, ".config", "slmscope", "models", "notes.gguf"), "hello, this is not a model\n")
		}, "slmscope:notes.gguf", "looks like a text file"},
		{"empty file", func(f *fixture) {
			writeFile(f.t, filepath.Join(f.home, ".config", "slmscope", "models", "empty.gguf"), "")
		}, "slmscope:empty.gguf", "the file is empty"},
		{"vocab-only file", func(f *fixture) {
			writeGGUF(f.t, filepath.Join(f.home, ".config", "slmscope", "models", "vocab.gguf"), tinyKVs("v", 1), nil)
		}, "slmscope:vocab.gguf", "has no tensors"},
		{"split model missing a part", func(f *fixture) {
			dir := filepath.Join(f.home, ".lmstudio", "models", "pub", "big")
			writeSplit(f.t, dir, "Big")
			if err := os.Remove(filepath.Join(dir, "Big-00002-of-00002.gguf")); err != nil {
				f.t.Fatal(err)
			}
		}, "lmstudio:pub/big/Big-00001-of-00002.gguf", "1 of its 2 parts missing (part 2)"},
		{"split model with a broken part", func(f *fixture) {
			dir := filepath.Join(f.home, ".lmstudio", "models", "pub", "big")
			writeSplit(f.t, dir, "Big")
			writeFile(f.t, filepath.Join(dir, "Big-00002-of-00002.gguf"), "GGUF")
		}, "lmstudio:pub/big/Big-00001-of-00002.gguf", "part 2 of 2 (Big-00002-of-00002.gguf): "},
		{"store folder without read permission", func(f *fixture) {
			denied := filepath.Join(f.home, ".lmstudio", "models", "locked")
			if err := os.MkdirAll(denied, 0o755); err != nil {
				f.t.Fatal(err)
			}
		}, "lmstudio:" + "LOCKED", "permission denied"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			good := filepath.Join(f.home, ".lmstudio", "models", "pub", "good", "good.gguf")
			writeTiny(t, good)
			c.build(f)
			opts := f.options()
			entry := c.entry
			if strings.HasSuffix(entry, "LOCKED") {
				locked := filepath.Join(f.home, ".lmstudio", "models", "locked")
				entry = "lmstudio:" + locked
				opts.readDir = func(dir string) ([]os.DirEntry, error) {
					if dir == locked {
						return nil, &fs.PathError{Op: "open", Path: dir, Err: fs.ErrPermission}
					}
					return os.ReadDir(dir)
				}
			}
			got := byName(f.scan(opts))
			if g := got["lmstudio:pub/good/good.gguf"]; g.Problem != "" || g.Params != tinyParams {
				t.Errorf("the good model next to the bad input: %+v", g)
			}
			m, ok := got[entry]
			if !ok {
				t.Fatalf("no entry %s in %v", entry, keysOf(got))
			}
			t.Logf("%s: %s", entry, m.Problem)
			if !strings.Contains(m.Problem, c.problem) || m.OK() {
				t.Errorf("problem %q, want it to contain %q", m.Problem, c.problem)
			}
			if len(got) != 2 {
				t.Errorf("want the good and the bad entry only, got %v", keysOf(got))
			}
		})
	}
}

// TestScanUnreadableFolder uses real permissions, which root ignores.
func TestScanUnreadableFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads folders without read permission; TestScanBadInput covers this through an injected error")
	}
	f := newFixture(t)
	locked := filepath.Join(f.home, ".cache", "llama.cpp", "locked")
	writeTiny(t, filepath.Join(locked, "m.gguf"))
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(locked, 0o755)
	got := byName(f.scan(f.options()))
	if m := got["llama.cpp:"+locked]; !strings.Contains(m.Problem, "permission denied") {
		t.Fatalf("got %v", got)
	}
}

func keysOf(m map[string]Model) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+" → "+v.Problem)
	}
	return out
}
