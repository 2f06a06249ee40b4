package ui

import (
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// Without a GPU there is nothing to choose: the device row stays hidden and runs go to the CPU.
func TestLiveRunHidesTheDeviceRowWithoutAGPU(t *testing.T) {
	_, l := liveRunOnTiny(t)
	waitFor(t, "the warm worker's devices", 30*time.Second, func() bool { return l.session.Devices() != nil })
	drainUI()
	if !l.device.row.Hidden {
		t.Errorf("device row shown with only %v", l.session.Devices())
	}
	test.Tap(l.runBtn)
	waitFor(t, "the run to finish", 60*time.Second, func() bool { return !l.runBtn.Disabled() })
	if stats := cardsText(l.stats); !strings.Contains(stats, "Device") || !strings.Contains(stats, "the CPU") {
		t.Errorf("stats card does not say the run was on the CPU:\n%s", stats)
	}
}

// With llama.cpp's Vulkan build on Mesa's lavapipe (a software Vulkan device, made visible as
// CI does): the row lists it, marked as the CPU in software; choosing it with 2 layers runs
// there, the stats card says where each part ran, and the choice is remembered.
func TestLiveRunOffloadsToTheChosenDevice(t *testing.T) {
	if os.Getenv("SLMSCOPE_GPU_TESTS") != "lavapipe" {
		t.Skip("set SLMSCOPE_GPU_TESTS=lavapipe (make test does) to run the Vulkan build on Mesa's lavapipe")
	}
	opts := testWorkerOptions()
	opts.Env = append(opts.Env, "GGML_VK_VISIBLE_DEVICES=0")
	a, l := liveRunOnTinyWith(t, opts)
	waitFor(t, "the device row", 30*time.Second, func() bool { return !l.device.row.Hidden })
	label := ""
	for _, o := range l.device.sel.Options {
		if strings.HasPrefix(o, "Vulkan0: ") {
			label = o
		}
	}
	if !strings.Contains(label, "(the CPU in software)") {
		t.Fatalf("device options %q: want Vulkan0 marked as the CPU in software", l.device.sel.Options)
	}
	l.device.sel.SetSelected(label)
	l.device.layers.SetText("")
	test.Type(l.device.layers, "2")
	l.maxTokens.SetText("6")
	test.Tap(l.runBtn)
	waitFor(t, "the run on lavapipe", 120*time.Second, func() bool { return !l.runBtn.Disabled() })
	if !l.errCard.Hidden {
		t.Fatalf("error shown: %s", l.errBox.Text)
	}
	stats := cardsText(l.stats)
	for _, want := range []string{"(Vulkan0), 2/3 layers", "as asked", "llama.cpp's buffers:", "Vulkan0: model"} {
		if !strings.Contains(stats, want) {
			t.Errorf("stats card lacks %q:\n%s", want, stats)
		}
	}
	p := a.fyne.Preferences()
	if p.String(prefLiveDevice) != "Vulkan0" || p.String(prefLiveGPULayers) != "2" {
		t.Errorf("remembered device %q, layers %q", p.String(prefLiveDevice), p.String(prefLiveGPULayers))
	}
}
