package ui

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"slmscope/hwprobe"
)

const testGiB = 1 << 30

// fakeHardware is a canned hardware source that records how it was called.
type fakeHardware struct {
	mu        sync.Mutex
	report    hwprobe.Report
	probeErr  error
	ram       hwprobe.RAM
	gpus      []hwprobe.GPU
	probes    int
	measures  []bool // the Remeasure flag of each bandwidth call
	gpuPolls  int
	release   chan struct{} // when set, probe waits for it
	bandwidth hwprobe.Bandwidth
}

func (f *fakeHardware) source() hardwareSource {
	return hardwareSource{
		probe: func(ctx context.Context, opts hwprobe.Options) (*hwprobe.Report, error) {
			f.mu.Lock()
			f.probes++
			rel := f.release
			f.mu.Unlock()
			if rel != nil {
				<-rel
			}
			if f.probeErr != nil {
				return nil, f.probeErr
			}
			r := f.report
			r.GPUs = append([]hwprobe.GPU(nil), f.report.GPUs...)
			return &r, nil
		},
		memory: func(ctx context.Context) (hwprobe.RAM, error) { return f.ram, nil },
		gpus: func(ctx context.Context, opts hwprobe.Options) ([]hwprobe.GPU, []string) {
			f.mu.Lock()
			f.gpuPolls++
			f.mu.Unlock()
			return f.gpus, nil
		},
		bandwidth: func(ctx context.Context, opts hwprobe.Options) hwprobe.Bandwidth {
			f.mu.Lock()
			f.measures = append(f.measures, opts.Remeasure)
			f.mu.Unlock()
			return f.bandwidth
		},
		devices: func(ctx context.Context) ([]hwprobe.LlamaDevice, string) {
			return []hwprobe.LlamaDevice{{Name: "CPU", Description: "AMD EPYC", Type: "CPU", MemoryFreeBytes: 3 * testGiB, MemoryTotalBytes: 4 * testGiB}}, "from the fake worker"
		},
	}
}

func sampleReport() hwprobe.Report {
	return hwprobe.Report{
		OS: "linux", Arch: "amd64", Kernel: "6.1.0", ProbedAt: time.Now(), ProbeSeconds: 0.02,
		CPU: hwprobe.CPU{Model: "AMD EPYC", Vendor: "AuthenticAMD", PhysicalCores: 2, LogicalCores: 2, Features: []string{"AVX2", "AVX512"},
			Source: "gopsutil (/proc/cpuinfo)", FeaturesSource: "CPUID"},
		RAM: hwprobe.RAM{TotalBytes: 4 * testGiB, AvailableBytes: 3 * testGiB, UsedBytes: testGiB, HostTotalBytes: 16 * testGiB,
			CgroupLimitBytes: 4 * testGiB, CgroupVersion: 2, Source: "gopsutil (/proc/meminfo) capped by cgroup"},
		GPUs: []hwprobe.GPU{{Vendor: "NVIDIA", Name: "NVIDIA GeForce RTX 4090", MemoryTotalBytes: 24 * testGiB, MemoryFreeBytes: 18 * testGiB,
			MemoryUsedBytes: 6 * testGiB, BandwidthGBps: 1008.1, BandwidthSource: "theoretical: 384-bit bus × 10501 MHz × 2 (NVML)",
			Driver: "550.54.15", CUDAVersion: "12.4", Source: "NVML (fake)", Unknown: hwprobe.Unknown{"temperature_c": "NVML: NVML_ERROR_NO_PERMISSION"}}},
		GPUNotes:  []string{},
		Bandwidth: hwprobe.Bandwidth{Note: "not measured (skipped)", TheoreticalSource: "unknown (no SMBIOS table)"},
		Power:     hwprobe.Power{Source: "unknown", BatterySource: "unknown (no battery)", RAPLNote: "not available (no powercap)", GPUWattsSource: "not available"},
	}
}

func cardTitles(h *hardwareScreen) []string {
	var out []string
	for _, o := range h.cards.Objects {
		out = append(out, o.(*widget.Card).Title)
	}
	return out
}

func newTestHardware(t *testing.T, f *fakeHardware) *hardwareScreen {
	t.Helper()
	a := newTestApp(t)
	w := a.NewWindow("hardware")
	t.Cleanup(w.Close)
	h := newHardwareScreenWith(withUIExec(&App{fyne: a, win: w}), f.source(), func(fn func()) { fn() })
	t.Cleanup(h.stop)
	w.SetContent(h.view)
	return h
}

func TestHardwareScreenShowsReport(t *testing.T) {
	f := &fakeHardware{report: sampleReport(),
		bandwidth: hwprobe.Bandwidth{ReadGBps: 20, TriadGBps: 15, Source: "measured by the fake", TheoreticalGBps: 40, TheoreticalSource: "DMI type 17: 2 × DDR4-2666"}}
	h := newTestHardware(t, f)

	want := []string{"CPU", "RAM", "GPU: NVIDIA GeForce RTX 4090", "Memory bandwidth", "What llama.cpp sees", "Power"}
	if got := cardTitles(h); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("cards = %q, want %q", got, want)
	}
	if !strings.HasPrefix(h.status.Text, "Probed at") || h.refreshBtn.Disabled() {
		t.Errorf("status %q, refresh disabled %v", h.status.Text, h.refreshBtn.Disabled())
	}
	if math.Abs(h.ramBar.Value-0.25) > 1e-9 || !strings.Contains(h.ramText.Text, "cgroup v2 limit of 4.3 GB (the machine has 17.2 GB)") {
		t.Errorf("RAM bar %v, text %q", h.ramBar.Value, h.ramText.Text)
	}
	if got := h.gpuBars[0].Value; math.Abs(got-0.25) > 1e-9 {
		t.Errorf("VRAM bar = %v, want 0.25", got)
	}
	gt := h.gpuTexts[0].Text
	for _, s := range []string{"Bandwidth 1008 GB/s", "driver 550.54.15 · CUDA 12.4", "temperature c: unknown (NVML: NVML_ERROR_NO_PERMISSION)"} {
		if !strings.Contains(gt, s) {
			t.Errorf("GPU text %q lacks %q", gt, s)
		}
	}
	// Nothing cached: the screen measured bandwidth once on its own, without forcing.
	if len(f.measures) != 1 || f.measures[0] {
		t.Errorf("bandwidth calls = %v, want one unforced", f.measures)
	}
	for _, s := range []string{"read 20.0 GB/s · triad 15.0 GB/s", "theoretical: 40.0 GB/s (measured read reaches 50% of it)", "NVIDIA GeForce RTX 4090: 1008 GB/s"} {
		if !strings.Contains(h.bwText.Text, s) {
			t.Errorf("bandwidth text %q lacks %q", h.bwText.Text, s)
		}
	}
	if !strings.Contains(h.llamaText.Text, "CPU · CPU (AMD EPYC): 3.22 GB free of 4.29 GB") || !strings.Contains(h.llamaText.Text, "from the fake worker") {
		t.Errorf("llama text = %q", h.llamaText.Text)
	}

	f.bandwidth.ReadGBps = 25
	test.Tap(h.remeasureBtn)
	if len(f.measures) != 2 || !f.measures[1] || !strings.Contains(h.bwText.Text, "read 25.0 GB/s") || h.remeasureBtn.Disabled() {
		t.Errorf("after Re-measure: calls %v, text %q", f.measures, h.bwText.Text)
	}

	test.Tap(h.refreshBtn)
	if f.probes != 2 {
		t.Errorf("Refresh ran %d probes in all, want 2", f.probes)
	}
}

func TestHardwareScreenLiveMemory(t *testing.T) {
	f := &fakeHardware{report: sampleReport(), bandwidth: hwprobe.Bandwidth{ReadGBps: 10, TriadGBps: 8}}
	h := newTestHardware(t, f)
	f.ram = f.report.RAM
	f.ram.AvailableBytes, f.ram.UsedBytes = testGiB, 3*testGiB
	g := f.report.GPUs[0]
	g.MemoryFreeBytes, g.MemoryUsedBytes = 12*testGiB, 12*testGiB
	f.gpus = []hwprobe.GPU{g}

	h.liveTick() // odd tick: RAM only
	if math.Abs(h.ramBar.Value-0.75) > 1e-9 || f.gpuPolls != 0 {
		t.Errorf("after tick 1: RAM bar %v, GPU polls %d", h.ramBar.Value, f.gpuPolls)
	}
	h.liveTick() // even tick: VRAM too
	if f.gpuPolls != 1 || math.Abs(h.gpuBars[0].Value-0.5) > 1e-9 {
		t.Errorf("after tick 2: GPU polls %d, VRAM bar %v", f.gpuPolls, h.gpuBars[0].Value)
	}

	// Hidden (another screen in the content area): ticks stop reading memory.
	h.a.content = nil
	h.shown.Store(false)
	f.ram.UsedBytes = 0
	h.liveTick()
	if math.Abs(h.ramBar.Value-0.75) > 1e-9 {
		t.Errorf("hidden screen still refreshed: %v", h.ramBar.Value)
	}
	if !h.shown.Load() { // standalone (no content area) counts as shown again
		t.Error("shown flag was not re-evaluated")
	}
}

func TestHardwareScreenNoGPUAndErrors(t *testing.T) {
	r := sampleReport()
	r.GPUs = nil
	r.GPUNotes = []string{"No NVIDIA driver: libnvidia-ml.so.1 not found", "no GPU in sysfs: /sys/class/drm is missing"}
	f := &fakeHardware{report: r, bandwidth: hwprobe.Bandwidth{ReadGBps: 10}}
	h := newTestHardware(t, f)
	titles := cardTitles(h)
	if len(titles) < 3 || titles[2] != "GPUs: none found" {
		t.Fatalf("cards = %q", titles)
	}
	notes := h.cards.Objects[2].(*widget.Card).Content.(*widget.Label).Text
	if !strings.Contains(notes, "• No NVIDIA driver: libnvidia-ml.so.1 not found") {
		t.Errorf("notes = %q", notes)
	}

	f.probeErr = errors.New("context canceled")
	test.Tap(h.refreshBtn)
	if h.status.Text != "The probe failed: context canceled" || h.refreshBtn.Disabled() {
		t.Errorf("status %q", h.status.Text)
	}
}

// TestHardwareScreenDoesNotBlock runs the probe on a real goroutine held on a channel: the
// screen must come up at once, busy, and ignore a second Refresh until the first returns.
func TestHardwareScreenDoesNotBlock(t *testing.T) {
	f := &fakeHardware{report: sampleReport(), release: make(chan struct{}), bandwidth: hwprobe.Bandwidth{ReadGBps: 10}}
	a := newTestApp(t)
	w := a.NewWindow("hardware")
	defer w.Close()
	var wg sync.WaitGroup
	spawn := func(fn func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn()
		}()
	}
	h := newHardwareScreenWith(withUIExec(&App{fyne: a, win: w}), f.source(), spawn)
	defer h.stop()
	if !h.refreshBtn.Disabled() || !h.busy.Visible() || !strings.HasPrefix(h.status.Text, "Probing") {
		t.Errorf("while probing: refresh disabled %v, busy %v, status %q", h.refreshBtn.Disabled(), h.busy.Visible(), h.status.Text)
	}
	test.Tap(h.refreshBtn) // disabled: no second probe
	close(f.release)
	wg.Wait()
	drainUI()
	f.mu.Lock()
	probes := f.probes
	f.mu.Unlock()
	if probes != 1 || !strings.HasPrefix(h.status.Text, "Probed at") || h.busy.Visible() {
		t.Errorf("after the probe: %d probes, status %q, busy %v", probes, h.status.Text, h.busy.Visible())
	}
}
