package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"slmscope/engine/internal/testenv"
)

// isolateStores points every model store at an empty temporary home.
func isolateStores(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, k := range []string{"OLLAMA_MODELS", "HF_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "LLAMA_CACHE",
		"SLMSCOPE_MODEL_DIRS", "SLMSCOPE_MODELS_DIR", "HF_ENDPOINT"} {
		t.Setenv(k, "")
	}
	return home
}

// writeTinyModel writes a one-layer llama-shaped GGUF that passes CheckModel.
func writeTinyModel(t *testing.T, path string) {
	t.Helper()
	testenv.TinyLlama{Context: 4096, Width: 32, Vocab: 64}.WriteFile(t, path)
}

func TestModelsLocal(t *testing.T) {
	home := isolateStores(t)
	writeTinyModel(t, filepath.Join(home, ".cache", "llama.cpp", "tiny.gguf"))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "broken.gguf"), []byte("GGUF"), 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := run(t, "models", "--local", "--json", "--dir", dir)
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var got struct {
		Models []map[string]any `json:"models"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Models) != 2 {
		t.Fatalf("models: %v", got.Models)
	}
	var keys []string
	for k := range got.Models[0] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if strings.Join(keys, ",") != "arch,bytes,context,name,params,path,problem,quant,source" {
		t.Errorf("fields %v", keys)
	}
	tiny, broken := got.Models[0], got.Models[1]
	if tiny["name"] != "tiny.gguf" || tiny["source"] != "llama.cpp" || tiny["quant"] != "Q8_0" || tiny["context"] != 4096.0 ||
		tiny["params"] != float64(32*64+32*32) || tiny["problem"] != "" || tiny["arch"] != "llama" {
		t.Errorf("tiny: %v", tiny)
	}
	if broken["source"] != "folder" || !strings.Contains(broken["problem"].(string), "truncated") {
		t.Errorf("broken: %v", broken)
	}

	code, out, _ = run(t, "models", "--local", "--dir", dir)
	for _, want := range []string{"NAME", "tiny.gguf", "llama.cpp", "Q8_0", "4K", "problem [1]", "[1] " + filepath.Join(dir, "broken.gguf") + ": ", "Looked in:"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if code != ExitOK {
		t.Errorf("exit %d", code)
	}
	if code, _, _ := run(t, "models", "--local", "extra"); code != ExitUsage {
		t.Errorf("extra argument: exit %d", code)
	}
}

func TestModelsLocalEmpty(t *testing.T) {
	isolateStores(t)
	code, out, _ := run(t, "models", "--local", "--json")
	if code != ExitOK || strings.TrimSpace(out) != "{\n  \"models\": []\n}" {
		t.Fatalf("exit %d: %q", code, out)
	}
}
