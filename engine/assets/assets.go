// Package assets finds the third-party files that `make setup` fetched into the git-ignored
// .runtime folder: the llama.cpp shared libraries, the vocab-only tokenizer GGUFs, llama.h
// and echarts.min.js. Nothing here is committed; everything is located at run time.
package assets

import (
	_ "embed"
	"errors"
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

// EnvRuntimeDir overrides where the .runtime folder is looked for.
const EnvRuntimeDir = "SLMSCOPE_RUNTIME_DIR"

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

// ErrNotSetUp says the .runtime folder was not found; the message tells the user what to run.
var ErrNotSetUp = errors.New("slmscope's runtime files were not found: run `make setup` in the slmscope folder, or set " + EnvRuntimeDir)

// RuntimeDir returns the .runtime folder: $SLMSCOPE_RUNTIME_DIR, else the first .runtime found
// walking up from the executable's folder and then from the working directory.
func RuntimeDir() (string, error) {
	if d := os.Getenv(EnvRuntimeDir); d != "" {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return "", fmt.Errorf("%s=%s is not a folder", EnvRuntimeDir, d)
		}
		return d, nil
	}
	var starts []string
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		starts = append(starts, filepath.Dir(exe))
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, s := range starts {
		for dir := s; ; dir = filepath.Dir(dir) {
			cand := filepath.Join(dir, ".runtime")
			if st, err := os.Stat(cand); err == nil && st.IsDir() {
				return cand, nil
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	return "", ErrNotSetUp
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
// set, else the first runtime variant that `make setup` installed (GPU variants first).
func LlamaDir() (string, error) {
	if d := os.Getenv(EnvLlamaDir); d != "" {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return "", fmt.Errorf("%s=%s: no such folder; point it at a folder holding libllama and libggml from llama.cpp v%s", EnvLlamaDir, d, LlamaVersion)
		}
		return d, nil
	}
	rt, err := RuntimeDir()
	if err != nil {
		return "", err
	}
	base := Platform()
	for _, v := range []string{base + "-cuda", base + "-vulkan", base} {
		d := filepath.Join(rt, "llama", v)
		if _, err := os.Stat(filepath.Join(d, LibName("llama"))); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("no llama.cpp runtime for %s under %s: run `make setup`, or set %s to a llama.cpp v%s build", base, filepath.Join(rt, "llama"), EnvLlamaDir, LlamaVersion)
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

// VocabFile returns the path of a vocab-only tokenizer GGUF by its llama.cpp name
// (e.g. "starcoder" for ggml-vocab-starcoder.gguf), or an error saying how to get it.
func VocabFile(name string) (string, error) {
	rt, err := RuntimeDir()
	if err != nil {
		return "", err
	}
	p := filepath.Join(rt, "vocab", "ggml-vocab-"+name+".gguf")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("tokenizer %s not found at %s: run `make setup`", name, p)
	}
	return p, nil
}

// EChartsJS returns the contents of echarts.min.js fetched by `make setup`.
func EChartsJS() ([]byte, error) {
	rt, err := RuntimeDir()
	if err != nil {
		return nil, err
	}
	p := filepath.Join(rt, "echarts", "echarts.min.js")
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("echarts.min.js not found at %s: run `make setup`: %w", p, err)
	}
	return b, nil
}
