package assets

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// checkLibraries reports the first llama.cpp library missing from dir: one that libllama (or a
// library it needs, transitively) names as DT_NEEDED, and, for a CPU build (cpu), any
// libggml-cpu-*.so backend. Only ELF (Linux) builds are checked; system libraries such as
// libstdc++ are left to the dynamic loader.
func checkLibraries(dir string, cpu bool) error {
	if runtime.GOOS != "linux" {
		return nil
	}
	seen := map[string]bool{}
	queue := []string{LibName("llama")}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		needed, err := elfNeeded(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		for _, n := range needed {
			if !strings.HasPrefix(n, "libggml") && !strings.HasPrefix(n, "libllama") {
				continue
			}
			if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
				return fmt.Errorf("%s is missing (needed by %s)", n, name)
			}
			queue = append(queue, n)
		}
	}
	if cpu {
		if m, _ := filepath.Glob(filepath.Join(dir, "libggml-cpu*.so")); len(m) == 0 {
			return fmt.Errorf("no CPU backend (libggml-cpu-*.so) is present")
		}
	}
	return nil
}

// elfNeeded returns the DT_NEEDED entries of an ELF shared library.
func elfNeeded(path string) ([]string, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	needed, err := f.ImportedLibraries()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Base(path), err)
	}
	return needed, nil
}
