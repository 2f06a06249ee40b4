package worker

import (
	"strings"
	"testing"

	"slmscope/engine/assets"
	"slmscope/engine/wire"
)

// A machine with the Vulkan build but no Vulkan loader (Debian's libvulkan1 missing): the
// worker loads the CPU build and says why, with what to install.
func TestNoVulkanLoaderFallsBackToTheCPUBuild(t *testing.T) {
	builds, err := assets.LlamaBuilds(false)
	if err != nil {
		t.Skipf("no llama.cpp runtime: %v", err)
	}
	if builds[0].Backend != "vulkan" {
		t.Skipf("the Vulkan build is not installed (first build %s)", builds[0].Variant)
	}
	saved := systemLibraries["vulkan"][goos]
	systemLibraries["vulkan"][goos] = []string{"libvulkan-not-installed.so.1"}
	defer func() { systemLibraries["vulkan"][goos] = saved }()

	tests := []struct {
		device, wantBackend string
		wantNote            bool
	}{
		{"", "", true},
		{"Vulkan0", "", true},
		{"cpu", "", false}, // the CPU build, with nothing to explain
	}
	for _, tt := range tests {
		t.Setenv(wire.EnvDevice, tt.device)
		b, note, err := chooseBuild()
		if err != nil {
			t.Fatalf("device %q: %v", tt.device, err)
		}
		if b.Backend != tt.wantBackend || (note != "") != tt.wantNote {
			t.Errorf("device %q: build %s, note %q", tt.device, b.Variant, note)
		}
		if tt.wantNote && !(strings.Contains(note, "libvulkan-not-installed.so.1") && strings.Contains(note, "apt-get install libvulkan1") && strings.Contains(note, "run on the CPU")) {
			t.Errorf("note %q does not name the library, what to install and what happens", note)
		}
	}
}
