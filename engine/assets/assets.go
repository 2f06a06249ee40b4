// Package assets finds the third-party files slmscope runs with: the llama.cpp shared
// libraries, the vocab-only tokenizer GGUFs, llama.h and echarts.min.js. `make setup` fetches
// them into the source tree's git-ignored .runtime folder, and `make dist` copies them beside
// the binary (portable folder) or into /usr/lib/slmscope (Debian package). Nothing here is
// committed; RuntimeDir locates the folder at run time.
package assets

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// LlamaVersion is the llama.cpp release slmscope's bindings were checked against.
const LlamaVersion = "0.5.0"

// EnvLlamaDir points at another llama.cpp build (a folder holding libllama and libggml*).
const EnvLlamaDir = "SLMSCOPE_LLAMA_DIR"

//go:embed pins.tsv
var pinsTSV string

// Pin is one pinned npm package from pins.tsv.
type Pin struct {
	Key, Spec, Integrity string
}

// Pins returns the pinned downloads as recorded in the repository.
func Pins() []Pin {
	var out []Pin
	for _, line := range strings.Split(pinsTSV, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) == 3 {
			out = append(out, Pin{Key: f[0], Spec: f[1], Integrity: f[2]})
		}
	}
	return out
}

// Platform names the runtime build for this OS and CPU, as the npm packages name them.
func Platform() string {
	arch := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	switch runtime.GOOS {
	case "linux":
		return "linux-" + arch
	case "darwin":
		if arch == "arm64" {
			return "mac-arm64-metal"
		}
		return "mac-x64"
	case "windows":
		return "win-" + arch
	}
	return runtime.GOOS + "-" + arch
}

// LlamaDir returns the folder holding the llama.cpp shared libraries: $SLMSCOPE_LLAMA_DIR if
// set, else the first build in the runtime folder (GPU builds first). A build missing a
// library that libllama needs is reported by name, with how to get it back.
func LlamaDir() (string, error) {
	b, err := LlamaBuilds(false)
	if err != nil {
		return "", err
	}
	return b[0].Dir, nil
}

// LlamaBuild is one llama.cpp build in the runtime folder.
type LlamaBuild struct {
	Dir string
	// Variant is the build's name as the npm packages name it ("linux-x64-vulkan"), or
	// "SLMSCOPE_LLAMA_DIR" for a folder the user pointed at.
	Variant string
	// Backend is the GPU API the build adds to the CPU ("vulkan", "cuda"), or "" for CPU only.
	Backend string
}

// LlamaBuilds returns the llama.cpp builds to try, best first: $SLMSCOPE_LLAMA_DIR alone if
// set; else those present of the CUDA, Vulkan and CPU builds, in that order, or with cpuOnly
// the CPU build first: a CPU run should load it, because a GPU build offloads prompt batches
// to its GPU even with no layers there (the worker turns that off where only a GPU build is
// installed). The error names what is missing and how to get it.
func LlamaBuilds(cpuOnly bool) ([]LlamaBuild, error) {
	if d := os.Getenv(EnvLlamaDir); d != "" {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("%s=%s: no such folder; point it at a folder holding libllama and libggml from llama.cpp v%s", EnvLlamaDir, d, LlamaVersion)
		}
		return []LlamaBuild{{Dir: d, Variant: EnvLlamaDir}}, nil
	}
	rt, err := FindRuntime()
	if err != nil {
		return nil, err
	}
	base := Platform()
	var out []LlamaBuild
	order := []LlamaBuild{{Variant: base + "-cuda", Backend: "cuda"}, {Variant: base + "-vulkan", Backend: "vulkan"}, {Variant: base}}
	if cpuOnly { // the CPU build first; a GPU build only where there is none (see the worker)
		order = []LlamaBuild{order[2], order[1], order[0]}
	}
	for _, b := range order {
		b.Dir = filepath.Join(rt.Dir, "llama", b.Variant)
		if _, err := os.Stat(filepath.Join(b.Dir, LibName("llama"))); err != nil {
			continue
		}
		if err := checkLibraries(b.Dir, b.Backend == ""); err != nil {
			return nil, fmt.Errorf("llama.cpp runtime in %s is incomplete: %w: %s, or set %s to a llama.cpp v%s build", b.Dir, err, rt.Fix(), EnvLlamaDir, LlamaVersion)
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no llama.cpp runtime for %s under %s: %s, or set %s to a llama.cpp v%s build", base, filepath.Join(rt.Dir, "llama"), rt.Fix(), EnvLlamaDir, LlamaVersion)
	}
	return out, nil
}

// LibName returns the shared-library file name for a library stem on this OS.
func LibName(stem string) string {
	switch runtime.GOOS {
	case "windows":
		return stem + ".dll"
	case "darwin":
		return "lib" + stem + ".dylib"
	}
	return "lib" + stem + ".so"
}

// runtimeFile returns the path of a file in the runtime folder, or an error naming where it
// should be and how to get it.
func runtimeFile(what string, parts ...string) (string, error) {
	rt, err := FindRuntime()
	if err != nil {
		return "", err
	}
	p := filepath.Join(append([]string{rt.Dir}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%s not found at %s: %s: %w", what, p, rt.Fix(), err)
	}
	return p, nil
}

// VocabFile returns the path of a vocab-only tokenizer GGUF by its llama.cpp name
// (e.g. "starcoder" for ggml-vocab-starcoder.gguf), or an error saying how to get it.
func VocabFile(name string) (string, error) {
	return runtimeFile("tokenizer "+name, "vocab", "ggml-vocab-"+name+".gguf")
}

// FontFiles are the font files the app draws its text with, in the runtime's fonts/ folder
// (DejaVu, fetched and pinned by setup; see setup.sh for why).
var FontFiles = struct{ Regular, Bold, Italic, BoldItalic, Mono, MonoBold string }{
	Regular:    "DejaVuSansCondensed.ttf",
	Bold:       "DejaVuSansCondensed-Bold.ttf",
	Italic:     "DejaVuSansCondensed-Oblique.ttf",
	BoldItalic: "DejaVuSansCondensed-BoldOblique.ttf",
	Mono:       "DejaVuSansMono.ttf",
	MonoBold:   "DejaVuSansMono-Bold.ttf",
}

// Font returns the contents of one of the runtime's font files (a FontFiles name).
func Font(name string) ([]byte, error) {
	return readRuntimeFile("font "+name, "fonts", name)
}

// readRuntimeFile returns the contents of a file in the runtime folder (see runtimeFile).
func readRuntimeFile(what string, parts ...string) ([]byte, error) {
	p, err := runtimeFile(what, parts...)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	return b, nil
}

// EChartsJS returns the contents of the runtime's echarts.min.js.
func EChartsJS() ([]byte, error) {
	return readRuntimeFile("echarts.min.js", "echarts", "echarts.min.js")
}
