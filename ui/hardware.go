package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/hwprobe"
)

// hardwareLiveInterval is how often RAM (and every second tick, VRAM) refreshes while the
// Hardware screen is on show.
const hardwareLiveInterval = 1500 * time.Millisecond

// hardwareSource is where the Hardware screen gets its figures; tests swap in fakes.
type hardwareSource struct {
	probe     func(ctx context.Context, opts hwprobe.Options) (*hwprobe.Report, error)
	memory    func(ctx context.Context) (hwprobe.RAM, error)
	gpus      func(ctx context.Context, opts hwprobe.Options) ([]hwprobe.GPU, []string)
	bandwidth func(ctx context.Context, opts hwprobe.Options) hwprobe.Bandwidth
	devices   func(ctx context.Context) ([]hwprobe.LlamaDevice, string)
}

func realHardwareSource() hardwareSource {
	return hardwareSource{
		probe:     hwprobe.Probe,
		memory:    hwprobe.Memory,
		gpus:      hwprobe.ProbeGPUs,
		bandwidth: hwprobe.CachedBandwidth,
		devices:   fillLlamaDevices,
	}
}

// fillLlamaDevices asks a short-lived llama.cpp worker for ggml's backend devices.
func fillLlamaDevices(ctx context.Context) ([]hwprobe.LlamaDevice, string) {
	return engine.LlamaDevices(ctx)
}

// hardwareScreen shows what this machine has for running models, each figure with its source.
type hardwareScreen struct {
	a     *App
	src   hardwareSource
	spawn func(func()) // runs work off the UI goroutine (tests run it inline)
	ctx   context.Context
	stop  context.CancelFunc

	report    *hwprobe.Report
	probing   bool
	measuring bool
	shown     atomic.Bool
	hasGPUs   atomic.Bool // the last report listed GPUs, so live ticks poll VRAM
	ticks     int

	view       fyne.CanvasObject
	status     *widget.Label
	busy       *widget.ProgressBarInfinite
	refreshBtn *widget.Button
	cards      *fyne.Container

	ramBar   *widget.ProgressBar
	ramText  *widget.Label
	gpuBars  map[int]*widget.ProgressBar // by position in report.GPUs
	gpuTexts map[int]*widget.Label

	bwText       *widget.Label
	bwBusy       *widget.ProgressBarInfinite
	remeasureBtn *widget.Button

	llamaText *widget.Label
}

func newHardwareScreen(a *App) fyne.CanvasObject {
	h := newHardwareScreenWith(a, realHardwareSource(), func(f func()) { go f() })
	go h.liveLoop(hardwareLiveInterval)
	return h.view
}

// newHardwareScreenWith builds the screen and starts the first probe.
func newHardwareScreenWith(a *App, src hardwareSource, spawn func(func())) *hardwareScreen {
	h := &hardwareScreen{a: a, src: src, spawn: spawn, gpuBars: map[int]*widget.ProgressBar{}, gpuTexts: map[int]*widget.Label{}}
	h.ctx, h.stop = context.WithCancel(context.Background())
	h.shown.Store(true)
	h.buildUI()
	h.onRefresh()
	return h
}

func (h *hardwareScreen) buildUI() {
	h.status = widget.NewLabel("")
	h.busy = widget.NewProgressBarInfinite()
	h.busy.Hide()
	h.refreshBtn = widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), h.onRefresh)
	h.cards = container.NewVBox()
	title := widget.NewLabelWithStyle("Hardware", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewBorder(nil, nil, title, h.refreshBtn, container.NewVBox(h.status, h.busy))
	h.view = container.NewBorder(top, nil, nil, nil, container.NewVScroll(h.cards))
}

// deliver hands a result to the UI goroutine; it is the screen's only use of fyne.Do.
func (h *hardwareScreen) deliver(f func()) {
	if h.ctx.Err() != nil {
		return
	}
	fyne.Do(f)
}

// onRefresh probes again (bandwidth from this boot's cache) and asks llama.cpp for its devices.
func (h *hardwareScreen) onRefresh() {
	if h.probing {
		return
	}
	h.probing = true
	h.refreshBtn.Disable()
	h.busy.Show()
	h.busy.Start()
	h.status.SetText("Probing this machine…")
	h.spawn(func() {
		rep, err := h.src.probe(h.ctx, hwprobe.Options{SkipBandwidth: true})
		h.deliver(func() { h.applyReport(rep, err) })
	})
}

func (h *hardwareScreen) applyReport(rep *hwprobe.Report, err error) {
	h.probing = false
	h.refreshBtn.Enable()
	h.busy.Stop()
	h.busy.Hide()
	if err != nil {
		h.status.SetText("The probe failed: " + err.Error())
		return
	}
	h.report = rep
	h.hasGPUs.Store(len(rep.GPUs) > 0)
	h.status.SetText(fmt.Sprintf("Probed at %s in %.2f s. Every figure says where it came from; RAM updates live.",
		rep.ProbedAt.Local().Format("15:04:05"), rep.ProbeSeconds))
	h.rebuildCards()
	if rep.Bandwidth.ReadGBps == 0 && !h.measuring {
		h.onRemeasure(false) // nothing cached this boot: measure once, in the background
	}
	h.llamaText.SetText("Asking llama.cpp which devices it will use…")
	h.spawn(func() {
		devs, note := h.src.devices(h.ctx)
		h.deliver(func() {
			if h.report == nil {
				return
			}
			h.report.LlamaDevices, h.report.LlamaDevicesNote = devs, note
			h.llamaText.SetText(llamaDevicesText(h.report))
		})
	})
}

// onRemeasure runs the bandwidth microbenchmark in the background (force = ignore the cache).
func (h *hardwareScreen) onRemeasure(force bool) {
	if h.measuring {
		return
	}
	h.measuring = true
	h.remeasureBtn.Disable()
	h.bwBusy.Show()
	h.bwBusy.Start()
	h.bwText.SetText("Measuring memory bandwidth (about half a second)…")
	h.spawn(func() {
		bw := h.src.bandwidth(h.ctx, hwprobe.Options{Remeasure: force})
		h.deliver(func() {
			h.measuring = false
			h.remeasureBtn.Enable()
			h.bwBusy.Stop()
			h.bwBusy.Hide()
			if h.report != nil {
				h.report.Bandwidth = bw
			}
			h.bwText.SetText(bandwidthText(bw, h.gpuBandwidths()))
		})
	})
}

// liveLoop refreshes RAM (and VRAM every other tick) while the screen is on show.
func (h *hardwareScreen) liveLoop(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-t.C:
			h.liveTick()
		}
	}
}

// liveTick reads memory off the UI goroutine and applies it there.
func (h *hardwareScreen) liveTick() {
	if !h.shown.Load() {
		h.deliver(func() { h.shown.Store(h.isShown()) })
		return
	}
	h.ticks++
	ram, err := h.src.memory(h.ctx)
	var gpus []hwprobe.GPU
	if h.ticks%2 == 0 && h.hasGPUs.Load() {
		gpus, _ = h.src.gpus(h.ctx, hwprobe.Options{})
	}
	h.deliver(func() {
		h.shown.Store(h.isShown())
		if err == nil && h.report != nil {
			h.report.RAM = ram
			h.updateRAM()
		}
		if h.report != nil && len(gpus) == len(h.report.GPUs) {
			for i := range gpus {
				if gpus[i].Name == h.report.GPUs[i].Name {
					h.report.GPUs[i].MemoryFreeBytes, h.report.GPUs[i].MemoryUsedBytes = gpus[i].MemoryFreeBytes, gpus[i].MemoryUsedBytes
				}
			}
			h.updateGPUs()
		}
	})
}

// isShown is true when this screen is the one in the content area (always, when standalone).
func (h *hardwareScreen) isShown() bool {
	if h.a == nil || h.a.content == nil {
		return true
	}
	objs := h.a.content.Objects
	return len(objs) > 0 && objs[0] == h.view
}

func (h *hardwareScreen) rebuildCards() {
	r := h.report
	h.gpuBars, h.gpuTexts = map[int]*widget.ProgressBar{}, map[int]*widget.Label{}
	var cards []fyne.CanvasObject

	sys := fmt.Sprintf("%s/%s", r.OS, r.Arch)
	if r.Platform != "" {
		sys += " · " + r.Platform
	}
	if r.Kernel != "" {
		sys += " · kernel " + r.Kernel
	}

	c := r.CPU
	cpuLines := []string{
		fmt.Sprintf("%s (%s)", orWord(c.Model, "unknown model"), orWord(c.Vendor, "unknown vendor")),
		fmt.Sprintf("%d physical cores, %d logical", c.PhysicalCores, c.LogicalCores),
	}
	if c.FrequencyMHz > 0 {
		cpuLines = append(cpuLines, fmt.Sprintf("%.0f MHz", c.FrequencyMHz))
	}
	cpuLines = append(cpuLines, "Features llama.cpp uses: "+orWord(strings.Join(c.Features, " "), "none detected"),
		"Source: "+c.Source+"; features: "+c.FeaturesSource)
	cards = append(cards, widget.NewCard("CPU", sys, wrapLabel(strings.Join(append(cpuLines, unknownLines(c.Unknown)...), "\n"))))

	h.ramBar = widget.NewProgressBar()
	h.ramText = wrapLabel("")
	h.updateRAM()
	cards = append(cards, widget.NewCard("RAM", "what a model can use now (cgroup-aware)", container.NewVBox(h.ramBar, h.ramText)))

	for i, g := range r.GPUs {
		bar := widget.NewProgressBar()
		txt := wrapLabel("")
		h.gpuBars[i], h.gpuTexts[i] = bar, txt
		content := container.NewVBox(txt)
		if g.MemoryTotalBytes > 0 {
			content = container.NewVBox(bar, txt)
		}
		cards = append(cards, widget.NewCard(fmt.Sprintf("GPU: %s", g.Name), fmt.Sprintf("%s #%d · %s", g.Vendor, g.Index, g.Source), content))
	}
	h.updateGPUs()
	if len(r.GPUs) == 0 || len(r.GPUNotes) > 0 {
		notes := r.GPUNotes
		if len(notes) == 0 {
			notes = []string{"no GPU found"}
		}
		title := "GPUs: none found"
		if len(r.GPUs) > 0 {
			title = "GPUs: what is missing and why"
		}
		cards = append(cards, widget.NewCard(title, "", wrapLabel("• "+strings.Join(notes, "\n• "))))
	}

	h.bwText = wrapLabel(bandwidthText(r.Bandwidth, h.gpuBandwidths()))
	h.bwBusy = widget.NewProgressBarInfinite()
	h.bwBusy.Hide()
	h.remeasureBtn = widget.NewButtonWithIcon("Re-measure", theme.MediaReplayIcon(), func() { h.onRemeasure(true) })
	if h.measuring {
		h.remeasureBtn.Disable()
		h.bwBusy.Show()
	}
	cards = append(cards, widget.NewCard("Memory bandwidth", "measured here vs theoretical",
		container.NewVBox(h.bwText, h.bwBusy, container.NewHBox(h.remeasureBtn))))

	h.llamaText = wrapLabel(llamaDevicesText(r))
	cards = append(cards, widget.NewCard("What llama.cpp sees", "ggml backend devices: what inference will use", h.llamaText))

	cards = append(cards, widget.NewCard("Power", "for the energy and cost figures", wrapLabel(powerText(r.Power))))
	if len(r.Notes) > 0 {
		cards = append(cards, widget.NewCard("Other notes", "", wrapLabel("• "+strings.Join(r.Notes, "\n• "))))
	}
	h.cards.Objects = cards
	h.cards.Refresh()
}

func (h *hardwareScreen) updateRAM() {
	m := h.report.RAM
	gb := hwprobe.FormatBytes
	if m.TotalBytes > 0 {
		h.ramBar.SetValue(float64(m.UsedBytes) / float64(m.TotalBytes))
	}
	h.ramBar.TextFormatter = func() string {
		return fmt.Sprintf("%s used of %s · %s available", gb(m.UsedBytes), gb(m.TotalBytes), gb(m.AvailableBytes))
	}
	h.ramBar.Refresh()
	var lines []string
	if m.CgroupLimitBytes > 0 {
		lines = append(lines, fmt.Sprintf("Capped by a cgroup v%d limit of %s (the machine has %s)", m.CgroupVersion, gb(m.CgroupLimitBytes), gb(m.HostTotalBytes)))
	} else if m.CgroupNote != "" {
		lines = append(lines, "Cgroup: "+m.CgroupNote)
	}
	if m.SwapTotalBytes > 0 {
		lines = append(lines, fmt.Sprintf("Swap %s, %s used (a model that spills into swap runs far slower)", gb(m.SwapTotalBytes), gb(m.SwapUsedBytes)))
	} else {
		lines = append(lines, "No swap")
	}
	lines = append(lines, "Source: "+m.Source+", updated "+time.Now().Format("15:04:05"))
	lines = append(lines, unknownLines(m.Unknown)...)
	h.ramText.SetText(strings.Join(lines, "\n"))
}

func (h *hardwareScreen) updateGPUs() {
	gb := hwprobe.FormatBytes
	for i, g := range h.report.GPUs {
		bar, txt := h.gpuBars[i], h.gpuTexts[i]
		if bar == nil {
			continue
		}
		if g.MemoryTotalBytes > 0 {
			used := g.MemoryUsedBytes
			if used == 0 && g.MemoryFreeBytes <= g.MemoryTotalBytes {
				used = g.MemoryTotalBytes - g.MemoryFreeBytes
			}
			bar.SetValue(float64(used) / float64(g.MemoryTotalBytes))
			bar.TextFormatter = func() string { return fmt.Sprintf("%s used of %s", gb(used), gb(g.MemoryTotalBytes)) }
			bar.Refresh()
		}
		var lines []string
		if g.UnifiedMemory {
			lines = append(lines, "Unified memory: shares system RAM with the CPU")
		}
		if g.SharedMemoryBytes > 0 {
			lines = append(lines, "May borrow "+gb(g.SharedMemoryBytes)+" of system RAM")
		}
		if g.BandwidthGBps > 0 {
			lines = append(lines, fmt.Sprintf("Bandwidth %.0f GB/s (%s)", g.BandwidthGBps, g.BandwidthSource))
		}
		drv := g.DriverDetails()
		if len(drv) > 0 {
			lines = append(lines, strings.Join(drv, " · "))
		}
		live := g.LiveDetails()
		if len(live) > 0 {
			lines = append(lines, strings.Join(live, " · "))
		}
		lines = append(lines, unknownLines(g.Unknown)...)
		txt.SetText(strings.Join(lines, "\n"))
	}
}

// gpuBandwidths lists the GPUs' theoretical bandwidths for the bandwidth card.
func (h *hardwareScreen) gpuBandwidths() []string {
	if h.report == nil {
		return nil
	}
	var out []string
	for _, g := range h.report.GPUs {
		if g.BandwidthGBps > 0 {
			out = append(out, fmt.Sprintf("%s: %.0f GB/s theoretical (%s)", g.Name, g.BandwidthGBps, g.BandwidthSource))
		}
	}
	return out
}

func bandwidthText(b hwprobe.Bandwidth, gpus []string) string {
	var lines []string
	if b.ReadGBps > 0 {
		lines = append(lines, fmt.Sprintf("CPU memory, measured: read %.1f GB/s · triad %.1f GB/s", b.ReadGBps, b.TriadGBps), "  "+b.Source)
	} else {
		lines = append(lines, "CPU memory, measured: "+orWord(b.Note, "not measured yet"))
	}
	if b.TheoreticalGBps > 0 {
		line := fmt.Sprintf("CPU memory, theoretical: %.1f GB/s", b.TheoreticalGBps)
		if b.ReadGBps > 0 {
			line += fmt.Sprintf(" (measured read reaches %.0f%% of it)", 100*b.ReadGBps/b.TheoreticalGBps)
		}
		lines = append(lines, line, "  "+b.TheoreticalSource)
	} else {
		lines = append(lines, "CPU memory, theoretical: "+b.TheoreticalSource)
	}
	for _, g := range gpus {
		lines = append(lines, "GPU "+g)
	}
	lines = append(lines, "Generation speed is bounded by bandwidth ÷ bytes read per token.")
	return strings.Join(lines, "\n")
}

func llamaDevicesText(r *hwprobe.Report) string {
	gb := hwprobe.FormatBytes
	var lines []string
	for _, d := range r.LlamaDevices {
		line := fmt.Sprintf("%s · %s (%s)", d.Type, d.Name, d.Description)
		if d.MemoryTotalBytes > 0 {
			line += fmt.Sprintf(": %s free of %s", gb(d.MemoryFreeBytes), gb(d.MemoryTotalBytes))
		}
		lines = append(lines, line)
	}
	if r.LlamaDevicesNote != "" {
		lines = append(lines, r.LlamaDevicesNote)
	}
	if len(lines) == 0 {
		return "Not asked yet."
	}
	return strings.Join(lines, "\n")
}

func powerText(p hwprobe.Power) string {
	var lines []string
	switch p.Source {
	case "battery":
		lines = append(lines, fmt.Sprintf("On battery (%.0f%%) · %s", p.BatteryPercent, p.BatterySource))
	case "ac":
		lines = append(lines, "On mains power · "+p.BatterySource)
	default:
		lines = append(lines, "Power source "+p.BatterySource)
	}
	for _, z := range p.RAPL {
		lines = append(lines, fmt.Sprintf("RAPL %s energy counter: %.1f J (%s)", z.Name, z.EnergyJoules, z.Path))
	}
	if p.RAPLNote != "" {
		lines = append(lines, "CPU energy (RAPL): "+p.RAPLNote)
	}
	if p.GPUWatts > 0 {
		lines = append(lines, fmt.Sprintf("GPU power now: %.0f W (%s)", p.GPUWatts, p.GPUWattsSource))
	} else {
		lines = append(lines, "GPU power: "+p.GPUWattsSource)
	}
	return strings.Join(lines, "\n")
}

// unknownLines renders an Unknown map as "field: unknown (reason)" lines, sorted.
func unknownLines(u hwprobe.Unknown) []string {
	keys := make([]string, 0, len(u))
	for k := range u {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, fmt.Sprintf("%s: unknown (%s)", strings.ReplaceAll(k, "_", " "), u[k]))
	}
	return out
}

func wrapLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func orWord(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
