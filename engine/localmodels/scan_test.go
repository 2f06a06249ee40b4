package localmodels

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScanEveryStore builds each store's layout in a temporary home and checks every entry.
func TestScanEveryStore(t *testing.T) {
	f := newFixture(t)
	h := f.home

	// Ollama: two tags of one blob (listed once), a model from another host, and the Linux
	// service's store under Root.
	ol := filepath.Join(h, ".ollama", "models")
	f.ollamaModel(ol, "registry.ollama.ai", "library", "tiny", "latest", hexOf(1), 0, func(p string) { writeTiny(t, p) })
	f.ollamaModel(ol, "registry.ollama.ai", "library", "tiny", "q8", hexOf(1), 0, nil)
	f.ollamaModel(ol, "hf.co", "org", "other", "Q8_0", hexOf(2), 0, func(p string) { writeTiny(t, p) })
	svc := filepath.Join(f.root, "usr", "share", "ollama", ".ollama", "models")
	f.ollamaModel(svc, "registry.ollama.ai", "library", "svc", "1b", hexOf(3), 0, func(p string) { writeTiny(t, p) })

	// Hugging Face: two snapshots link the same blob (listed once); a file in a subfolder.
	hub := filepath.Join(h, ".cache", "huggingface", "hub", "models--org--repo")
	writeTiny(t, filepath.Join(hub, "blobs", "aaaa"))
	writeTiny(t, filepath.Join(hub, "blobs", "bbbb"))
	symlink(t, "../../blobs/aaaa", filepath.Join(hub, "snapshots", "c1", "model-Q8_0.gguf"))
	symlink(t, "../../blobs/aaaa", filepath.Join(hub, "snapshots", "c2", "model-Q8_0.gguf"))
	symlink(t, "../../../blobs/bbbb", filepath.Join(hub, "snapshots", "c2", "sub", "x.gguf"))
	writeFile(t, filepath.Join(hub, "snapshots", "c2", "README.md"), "not a model")

	// LM Studio, moved through ~/.lmstudio-home-pointer.
	lmHome := filepath.Join(f.dir, "lmstudio-elsewhere")
	writeFile(t, filepath.Join(h, ".lmstudio-home-pointer"), lmHome+"\n")
	lmFile := filepath.Join(lmHome, "models", "pub", "model", "model.gguf")
	writeTiny(t, lmFile)
	writeTiny(t, filepath.Join(h, ".lmstudio", "models", "pub", "ignored", "ignored.gguf")) // not the pointed-to home

	// llama.cpp's cache, with its side files.
	writeTiny(t, filepath.Join(h, ".cache", "llama.cpp", "org_repo_file.gguf"))
	writeFile(t, filepath.Join(h, ".cache", "llama.cpp", "org_repo_file.gguf.etag"), "x")

	// slmscope's own downloads, and two user folders: one holds a hard link to the LM Studio
	// file (listed once, under LM Studio) and a split model.
	writeTiny(t, filepath.Join(h, ".config", "slmscope", "models", "dl.gguf"))
	u1, u2 := filepath.Join(f.dir, "usb"), filepath.Join(f.dir, "mine")
	if err := os.MkdirAll(u1, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(lmFile, filepath.Join(u1, "same.gguf")); err != nil {
		t.Fatal(err)
	}
	splitParams := writeSplit(t, filepath.Join(u1, "big"), "Big-Q8_0")
	writeTiny(t, filepath.Join(u2, ".hidden", "skip.gguf"))
	writeTiny(t, filepath.Join(u2, "a", "b", "deep.gguf"))
	f.env[EnvModelDirs] = u1 + string(os.PathListSeparator) + u2

	got := f.scan(f.options())
	var keys []string
	for _, m := range got {
		keys = append(keys, string(m.Source)+":"+m.Name)
		if m.Problem != "" {
			t.Errorf("%s %s: unexpected problem %q", m.Source, m.Name, m.Problem)
		}
	}
	want := []string{
		"ollama:hf.co/org/other:Q8_0",
		"ollama:library/svc:1b",
		"ollama:library/tiny:latest",
		"huggingface:org/repo/model-Q8_0.gguf",
		"huggingface:org/repo/sub/x.gguf",
		"lmstudio:pub/model/model.gguf",
		"llama.cpp:org_repo_file.gguf",
		"slmscope:dl.gguf",
		"folder:a/b/deep.gguf",
		"folder:big/Big-Q8_0-00001-of-00002.gguf",
	}
	if strings.Join(keys, "\n") != strings.Join(want, "\n") {
		t.Fatalf("entries:\n%s\nwant:\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}
	idx := byName(got)
	tiny := idx["ollama:library/tiny:latest"]
	if tiny.Arch != "llama" || tiny.Quant != "Q8_0" || tiny.Context != 2048 || tiny.Params != tinyParams || tiny.Bytes <= 0 || tiny.ModTime.IsZero() {
		t.Errorf("tiny: %+v", tiny)
	}
	if strings.Join(tiny.Aliases, ",") != "ollama:library/tiny:q8" {
		t.Errorf("tiny aliases %v", tiny.Aliases)
	}
	if a := idx["lmstudio:pub/model/model.gguf"].Aliases; strings.Join(a, ",") != "folder:same.gguf" {
		t.Errorf("hard link not folded into the LM Studio entry: aliases %v", a)
	}
	if a := idx["huggingface:org/repo/model-Q8_0.gguf"].Aliases; len(a) != 1 {
		t.Errorf("second snapshot not folded: aliases %v", a)
	}
	sp := idx["folder:big/Big-Q8_0-00001-of-00002.gguf"]
	if sp.Parts != 2 || sp.Params != splitParams || !strings.HasSuffix(sp.Path, "-00001-of-00002.gguf") {
		t.Errorf("split: %+v (params want %d)", sp, splitParams)
	}
	p1, _ := os.Stat(sp.Path)
	p2, _ := os.Stat(strings.Replace(sp.Path, "00001-of", "00002-of", 1))
	if sp.Bytes != p1.Size()+p2.Size() {
		t.Errorf("split bytes %d, want %d", sp.Bytes, p1.Size()+p2.Size())
	}
	if k := tiny.Key(); !strings.HasPrefix(k, tiny.Path+"|") {
		t.Errorf("key %q", k)
	}
}

// TestScanMissingStores: a machine with none of the stores yields nothing and no error.
func TestScanMissingStores(t *testing.T) {
	f := newFixture(t)
	if got := f.scan(f.options()); len(got) != 0 {
		t.Fatalf("got %+v", got)
	}
}

// TestStoreLocations checks the folders looked in for each OS and environment.
func TestStoreLocations(t *testing.T) {
	cases := []struct {
		name string
		goos string
		env  map[string]string
		want []string // "source dir", dirs relative to /h (home) or absolute
	}{
		{"linux defaults", "linux", nil, []string{
			"ollama /h/.ollama/models", "ollama /r/usr/share/ollama/.ollama/models",
			"huggingface /h/.cache/huggingface/hub",
			"lmstudio /h/.lmstudio/models", "lmstudio /h/.cache/lm-studio/models",
			"llama.cpp /h/.cache/llama.cpp", "slmscope /h/.config/slmscope/models"}},
		{"linux variables", "linux", map[string]string{"OLLAMA_MODELS": "/o", "HF_HOME": "/hf", "LLAMA_CACHE": "/lc",
			"XDG_CONFIG_HOME": "/xc", EnvModelDirs: "/a" + string(os.PathListSeparator) + "/b"}, []string{
			"ollama /o", "ollama /r/usr/share/ollama/.ollama/models", "huggingface /hf/hub",
			"lmstudio /h/.lmstudio/models", "lmstudio /h/.cache/lm-studio/models",
			"llama.cpp /lc", "slmscope /xc/slmscope/models", "folder /a", "folder /b"}},
		{"hub cache wins over HF_HOME", "linux", map[string]string{"HF_HUB_CACHE": "/hc", "HF_HOME": "/hf", "XDG_CACHE_HOME": "/xcache",
			EnvModelsDir: "/dl"}, []string{
			"ollama /h/.ollama/models", "ollama /r/usr/share/ollama/.ollama/models", "huggingface /hc",
			"lmstudio /h/.lmstudio/models", "lmstudio /h/.cache/lm-studio/models",
			"llama.cpp /xcache/llama.cpp", "slmscope /dl"}},
		{"macOS", "darwin", nil, []string{
			"ollama /h/.ollama/models", "huggingface /h/.cache/huggingface/hub", "huggingface /h/Library/Caches/huggingface/hub",
			"lmstudio /h/.lmstudio/models", "lmstudio /h/.cache/lm-studio/models",
			"llama.cpp /h/Library/Caches/llama.cpp", "slmscope /h/Library/Application Support/slmscope/models"}},
		{"windows", "windows", map[string]string{"LocalAppData": "/lad", "AppData": "/ad"}, []string{
			"ollama /h/.ollama/models", "huggingface /h/.cache/huggingface/hub",
			"lmstudio /h/.lmstudio/models", "lmstudio /h/.cache/lm-studio/models",
			"llama.cpp /lad/llama.cpp", "slmscope /ad/slmscope/models"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := Env{Home: "/h", Root: "/r", GOOS: c.goos, Getenv: func(k string) string { return c.env[k] }}
			var got []string
			for _, s := range Stores(Options{Env: env}) {
				got = append(got, string(s.Source)+" "+filepath.ToSlash(s.Dir))
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("stores:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// TestSplitName covers the split-name parser's edges.
func TestSplitName(t *testing.T) {
	for _, c := range []struct {
		in        string
		no, count int
		ok        bool
	}{
		{"m-00001-of-00003.gguf", 1, 3, true},
		{"M-00003-OF-00003.GGUF", 3, 3, true},
		{"m-00004-of-00003.gguf", 0, 0, false},
		{"m-00000-of-00003.gguf", 0, 0, false},
		{"m-1-of-3.gguf", 0, 0, false},
		{"m.gguf", 0, 0, false},
	} {
		_, no, count, ok := splitName(c.in)
		if no != c.no || count != c.count || ok != c.ok {
			t.Errorf("%s: %d %d %v", c.in, no, count, ok)
		}
	}
}

// TestScanCancelled: a cancelled scan returns the context's error.
func TestScanCancelled(t *testing.T) {
	f := newFixture(t)
	writeTiny(t, filepath.Join(f.home, ".cache", "llama.cpp", "m.gguf"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Scan(ctx, f.options()); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
}
