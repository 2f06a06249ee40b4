package engine_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"slmscope/engine"
)

// The Vulkan build on Mesa's software Vulkan driver (lavapipe): it runs on any CPU, so CI checks
// the GPU path's wiring — the device list, full and partial offload, the tokens, llama.cpp's
// buffers per device, and that "cpu" keeps everything off the GPU. Lavapipe is slow, so
// nothing here is about speed. make test sets SLMSCOPE_GPU_TESTS=lavapipe and setup installs
// libvulkan1 and mesa-vulkan-drivers; elsewhere these tests are skipped.

// lavapipeOptions starts workers that see lavapipe: llama.cpp hides CPU-type Vulkan devices
// unless GGML_VK_VISIBLE_DEVICES names them.
func lavapipeOptions(t *testing.T, device string) engine.Options {
	t.Helper()
	if os.Getenv("SLMSCOPE_GPU_TESTS") != "lavapipe" {
		t.Skip("set SLMSCOPE_GPU_TESTS=lavapipe (make test does) to run the Vulkan build on Mesa's lavapipe")
	}
	o := workerOptions("GGML_VK_VISIBLE_DEVICES=0")
	o.Device = device
	return o
}

// lavapipe is the software Vulkan device the worker lists, failing t when there is none.
func lavapipe(t *testing.T, w *engine.Worker) engine.Device {
	t.Helper()
	for _, d := range w.Ready.Devices {
		if strings.HasPrefix(d.Name, "Vulkan") {
			return d
		}
	}
	t.Fatalf("llama.cpp lists no Vulkan device (build %s, note %q): %+v; is mesa-vulkan-drivers installed?", w.Ready.Build, w.Ready.BackendNote, w.Ready.Devices)
	return engine.Device{}
}

// greedyRun loads the tiny twin on device with layers on the GPU and generates greedily.
func greedyRun(t *testing.T, device string, layers int) (engine.Placement, string) {
	t.Helper()
	ctx := context.Background()
	w := startWorker(t, ctx, lavapipeOptions(t, device))
	defer w.Close()
	if _, err := w.Load(ctx, engine.LoadOptions{Path: tinyTwin(t), Threads: 2, Context: 256, Device: device, GPULayers: layers}); err != nil {
		t.Fatalf("load on %s with %d layers: %v", device, layers, err)
	}
	var text strings.Builder
	_, err := w.Generate(ctx, engine.GenerateOptions{Prompt: engine.DefaultPrompt, PromptTokens: 48, MaxTokens: 12, IgnoreEOS: true, Greedy: true},
		func(tok engine.Token) { text.Write(tok.Piece) })
	if err != nil {
		t.Fatalf("generate on %s: %v", device, err)
	}
	return w.Placement, text.String()
}

func TestLavapipeIsListedButNeverChosenByDefault(t *testing.T) {
	w := startWorker(t, context.Background(), lavapipeOptions(t, ""))
	defer w.Close()
	d := lavapipe(t, w)
	if w.Ready.Backend != "vulkan" {
		t.Errorf("worker loaded the %q build (backend %q), want the Vulkan build", w.Ready.Build, w.Ready.Backend)
	}
	if !engine.IsSoftwareGPU(d) || d.MemoryTotal == 0 {
		t.Errorf("lavapipe %+v: want a software GPU with its memory reported", d)
	}
	if _, err := w.Load(context.Background(), engine.LoadOptions{Path: tinyTwin(t), Threads: 2, Context: 256, GPULayers: engine.AutoLayers}); err != nil {
		t.Fatal(err)
	}
	if p := w.Placement; p.Device != "cpu" || !strings.Contains(p.Why, "software") {
		t.Errorf("auto placement %+v: want the CPU, saying lavapipe is the CPU in software", p)
	}
}

func TestOffloadToLavapipeKeepsTheTokens(t *testing.T) {
	cpu, cpuText := greedyRun(t, "cpu", 0)
	full, fullText := greedyRun(t, "Vulkan0", engine.AutoLayers)
	partial, partialText := greedyRun(t, "Vulkan0", 2)
	if cpuText == "" || fullText != cpuText || partialText != cpuText {
		t.Errorf("greedy tokens differ:\n cpu     %q\n full    %q\n partial %q", cpuText, fullText, partialText)
	}
	tests := []struct {
		name      string
		p         engine.Placement
		offloaded string
		vulkan    bool // llama.cpp reported buffers on Vulkan0
	}{
		{"cpu", cpu, "", false},
		{"full", full, "3/3", true},
		{"partial", partial, "2/3", true},
	}
	for _, tt := range tests {
		onVulkan := false
		for _, b := range tt.p.Buffers {
			if b.Device == "Vulkan0" && b.Bytes > 0 {
				onVulkan = true
			}
		}
		if onVulkan != tt.vulkan || tt.p.Offloaded != tt.offloaded && tt.offloaded != "" || len(tt.p.Buffers) == 0 {
			t.Errorf("%s: placement %+v (buffers %s): want Vulkan0 buffers %v, offloaded %q", tt.name, tt.p, tt.p.BufferText(), tt.vulkan, tt.offloaded)
		}
	}
	if cpu.Device != "cpu" || full.Device != "Vulkan0" || !full.Whole() || partial.Whole() || !partial.OnGPU() {
		t.Errorf("devices: cpu %+v, full %+v, partial %+v", cpu, full, partial)
	}
}

// The Vulkan build loaded (as when --device auto found no usable GPU), yet the CPU asked for:
// llama.cpp would send prompt batches of 32 tokens or more to Vulkan0 (op offload) unless the
// worker turns that off, and its scheduler then reserves a compute buffer there.
func TestCPUPlacementKeepsPromptsOffTheGPU(t *testing.T) {
	ctx := context.Background()
	w := startWorker(t, ctx, lavapipeOptions(t, ""))
	defer w.Close()
	lavapipe(t, w)
	if _, err := w.Load(ctx, engine.LoadOptions{Path: tinyTwin(t), Threads: 2, Context: 256, Device: "cpu"}); err != nil {
		t.Fatal(err)
	}
	for _, b := range w.Placement.Buffers {
		if b.Device == "Vulkan0" {
			t.Errorf("with the CPU asked for, llama.cpp put a %s buffer on Vulkan0: %s", b.Kind, w.Placement.BufferText())
		}
	}
}
