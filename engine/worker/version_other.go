//go:build !(darwin || linux || freebsd || windows)

package worker

import (
	"fmt"
	"runtime"
)

// llamaVersion has no loader on this OS.
func llamaVersion(dir string) (string, error) {
	return "", fmt.Errorf("slmscope cannot load llama.cpp on %s/%s", runtime.GOOS, runtime.GOARCH)
}

// loadHint is said when llama.cpp's libraries do not load.
const loadHint = "see README: Install"
