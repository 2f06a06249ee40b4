package hwprobe

import (
	"os"
	"path/filepath"
)

// defaultNVMLLibrary is found in System32 with current NVIDIA drivers.
const defaultNVMLLibrary = "nvml.dll"

// nvmlFallbackPaths is where drivers before R418 put NVML.
func nvmlFallbackPaths() []string {
	pf := os.Getenv("ProgramFiles")
	if pf == "" {
		pf = `C:\Program Files`
	}
	return []string{filepath.Join(pf, "NVIDIA Corporation", "NVSMI", "nvml.dll")}
}
