package worker

import (
	"fmt"
	"os"
	"strings"

	"slmscope/engine/assets"
	"slmscope/engine/wire"
)

// chooseBuild picks the llama.cpp build this worker loads: the CPU build when the parent asked
// for the CPU (wire.EnvDevice), else the first GPU build whose system library can be opened,
// else the CPU build. note says, in words, why a GPU build was passed over.
func chooseBuild() (b assets.LlamaBuild, note string, err error) {
	cpuOnly := strings.EqualFold(os.Getenv(wire.EnvDevice), "cpu")
	builds, err := assets.LlamaBuilds(cpuOnly)
	if err != nil {
		return assets.LlamaBuild{}, "", err
	}
	var notes []string
	for _, b := range builds {
		if cpuOnly { // a GPU build's CPU backends run without its system library
			return b, "", nil
		}
		if why := missingSystemLibrary(b.Backend); why != "" {
			notes = append(notes, why)
			continue
		}
		return b, strings.Join(notes, "; "), nil
	}
	return assets.LlamaBuild{}, "", fmt.Errorf("no llama.cpp build can run here: %s", strings.Join(notes, "; "))
}

// systemLibraries are what each GPU build needs from the system, by OS; the CPU build needs
// nothing beyond the C library.
var systemLibraries = map[string]map[string][]string{
	"vulkan": {"linux": {"libvulkan.so.1"}, "windows": {"vulkan-1.dll"}},
	"cuda":   {"linux": {"libcudart.so.13", "libcublas.so.13"}, "windows": {"cudart64_13.dll", "cublas64_13.dll"}},
}

// installHint says how a user gets a missing system library, by backend and OS (on Windows
// every GPU maker's driver installs the Vulkan loader, vulkan-1.dll).
var installHint = map[string]map[string]string{
	"vulkan": {
		"linux":   "install the GPU driver's Vulkan loader (Debian/Ubuntu: apt-get install libvulkan1)",
		"windows": "install or update the graphics driver from the GPU's maker (NVIDIA, AMD or Intel); it brings vulkan-1.dll",
	},
	"cuda": {
		"linux":   "install the CUDA 13 runtime (NVIDIA's cuda-cudart-13 and libcublas-13 packages)",
		"windows": "install the CUDA 13 runtime from NVIDIA (cudart64_13.dll and cublas64_13.dll)",
	},
}

// missingSystemLibrary returns a sentence naming the system library a GPU backend needs but
// cannot open here, or "" when all open (or the backend is the CPU).
func missingSystemLibrary(backend string) string {
	if backend == "" {
		return ""
	}
	for _, lib := range systemLibraries[backend][goos] {
		if err := openSystemLibrary(lib); err != nil {
			return fmt.Sprintf("the %s build of llama.cpp is installed but %s cannot be opened, so models run on the CPU: %s", backend, lib, installHint[backend][goos])
		}
	}
	return ""
}
