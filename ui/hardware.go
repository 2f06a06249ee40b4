package ui

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/hwprobe"
	"slmscope/internal/units"
)

// hardwareLiveInterval is how often RAM (and every second tick, VRAM) refreshes while the
// Hardware screen is on show.
const hardwareLiveInterval = 1500 * time.Millisecond

// hardwareSource is where the Hardware screen gets its figures; tests swap in fakes.
type hardwareSource struct {
	probe     func(ctx context.Context, opts hwprobe.Options) (*hwprobe.Report, error)
	loadCal   func(path, key string) (engine.Calibration, error)
	memory    func(ctx context.Context) (hwprobe.RAM, error)
	gpus      func(ctx context.Context, opts hwprobe.Options) ([]hwprobe.GPU, []string)
	bandwidth func(ctx context.Context, opts hwprobe.Options) hwprobe.Bandwidth
	devices   func(ctx context.Context) ([]hwprobe.LlamaDevice, string)
}

func realHardwareSource() hardwareSource {
	return hardwareSource{
		probe:     hwprobe.Probe,
		loadCal:   engine.LoadCalibration,
		memory:    hwprobe.Memory,
		gpus:      hwprobe.ProbeGPUs,
		bandwidth: hwprobe.CachedBandwidth,
		devices:   engine.LlamaDevices,
	}
}

// hardwareScreen shows the app's machine (a.machine), each figure with its source, through
// the one hardware renderer (report.HardwareSections). It refreshes the machine's RAM live
// and re-measures its bandwidth; every other screen sees those changes too.
type hardwareScreen struct {
	a     *App
	src   hardwareSource
	spawn func(func()) // runs work off the UI goroutine (tests run it inline)
	ctx   context.Context
	stop  context.CancelFunc

	state     engine.MachineState
	devices   []hwprobe.LlamaDevice // what llama.cpp's worker listed (not part of the probe)
	devNote   string
	gpuLive   []hwprobe.GPU // the last VRAM poll
	probing   bool
	measuring bool
	shown     atomic.Bool
	hasGPUs   atomic.Bool // the machine has GPUs, so live ticks poll VRAM
	ticks     int
	now       func() time.Time // the clock of the "Updated" line (tests fix it)

	view       fyne.CanvasObject
	status     *widget.Label
	busy       *widget.ProgressBarInfinite
	refreshBtn *widget.Button
	cards      *fyne.Container
	// cardFill puts the cards on screen one per frame (turns.go): the screen's first frame
	// with every card's text at once took 107–128 ms (make stalls, 2026-12-04).
	cardFill turnFiller

	ramBar   *widget.ProgressBar
	ramText  *widget.Label
	gpuBars  map[int]*widget.ProgressBar // by position in the report's GPUs
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
	a.hub()
	h := &hardwareScreen{a: a, src: src, spawn: spawn, now: time.Now, gpuBars: map[int]*widget.ProgressBar{}, gpuTexts: map[int]*widget.Label{}}
	h.ctx, h.stop = context.WithCancel(context.Background())
	h.shown.Store(true)
	h.buildUI()
	stop := a.observeMachine(h.applyState)
	go func() {
		<-h.ctx.Done()
		stop()
	}()
	h.onRefresh()
	return h
}

func (h *hardwareScreen) buildUI() {
	h.status = widget.NewLabel("")
	h.status.Truncation = fyne.TextTruncateEllipsis // a long status must not widen the window
	h.busy = widget.NewProgressBarInfinite()
	h.busy.Hide()
	h.refreshBtn = widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), h.onRefresh)
	h.cards = container.NewVBox()
	title := widget.NewLabelWithStyle("Hardware", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewBorder(nil, nil, title, h.refreshBtn, container.NewVBox(h.status, h.busy))
	h.view = container.NewBorder(top, nil, nil, nil, container.NewVScroll(h.cards))
}

// shownReport is the machine's report with what this screen adds: llama.cpp's devices and
// the last VRAM poll.
func (h *hardwareScreen) shownReport() *hwprobe.Report {
	if h.state.Hardware == nil {
		return nil
	}
	r := *h.state.Hardware
	r.LlamaDevices, r.LlamaDevicesNote = h.devices, h.devNote
	r.GPUs = append([]hwprobe.GPU(nil), r.GPUs...)
	if len(h.gpuLive) == len(r.GPUs) {
		for i := range r.GPUs {
			if h.gpuLive[i].Name == r.GPUs[i].Name {
				r.GPUs[i].MemoryFreeBytes, r.GPUs[i].MemoryUsedBytes = h.gpuLive[i].MemoryFreeBytes, h.gpuLive[i].MemoryUsedBytes
			}
		}
	}
	return &r
}

// applyState shows a new machine state (on the UI goroutine): the cards are built once per
// probe; RAM, VRAM and bandwidth update in place.
func (h *hardwareScreen) applyState(st engine.MachineState) {
	rebuild := h.state.Hardware == nil || st.Hardware == nil || h.state.Hardware.ProbedAt != st.Hardware.ProbedAt ||
		len(h.state.Hardware.GPUs) != len(st.Hardware.GPUs)
	h.state = st
	if st.Hardware == nil {
		return
	}
	h.hasGPUs.Store(len(st.Hardware.GPUs) > 0)
	if rebuild || h.ramBar == nil {
		h.rebuildCards()
		return
	}
	h.updateLive()
}

func (h *hardwareScreen) sections() map[string][]engine.HardwareSection {
	out := map[string][]engine.HardwareSection{}
	for _, s := range engine.HardwareSections(h.shownReport(), h.state.Machine) {
		out[s.Kind] = append(out[s.Kind], s)
	}
	return out
}

func (h *hardwareScreen) rebuildCards() {
	r := h.shownReport()
	h.gpuBars, h.gpuTexts = map[int]*widget.ProgressBar{}, map[int]*widget.Label{}
	var cards []fyne.CanvasObject
	for _, s := range engine.HardwareSections(r, h.state.Machine) {
		var content fyne.CanvasObject
		switch s.Kind {
		case engine.SectionRAM:
			h.ramBar, h.ramText = widget.NewProgressBar(), wrapLabel("")
			content = container.NewVBox(h.ramBar, h.ramText)
		case engine.SectionGPU:
			bar, txt := widget.NewProgressBar(), wrapLabel("")
			h.gpuBars[s.GPU], h.gpuTexts[s.GPU] = bar, txt
			content = container.NewVBox(txt)
			if r.GPUs[s.GPU].MemoryTotalBytes > 0 {
				content = container.NewVBox(bar, txt)
			}
		case engine.SectionGPUNotes, engine.SectionNotes:
			content = wrapLabel("• " + strings.Join(s.Lines, "\n• "))
		case engine.SectionBandwidth:
			h.bwText = wrapLabel("")
			h.bwBusy = widget.NewProgressBarInfinite()
			h.bwBusy.Hide()
			h.remeasureBtn = widget.NewButtonWithIcon("Re-measure", theme.MediaReplayIcon(), func() { h.onRemeasure(true) })
			if h.measuring {
				h.remeasureBtn.Disable()
				h.bwBusy.Show()
			}
			content = container.NewVBox(h.bwText, h.bwBusy, container.NewHBox(h.remeasureBtn))
		case engine.SectionLlama:
			h.llamaText = wrapLabel(strings.Join(s.Lines, "\n"))
			content = h.llamaText
		default:
			content = wrapLabel(strings.Join(s.Lines, "\n"))
		}
		cards = append(cards, widget.NewCard(s.Title, s.Subtitle, content))
	}
	h.updateLive()
	h.cardFill.fill(h.a, h.cards, cards, 1)
}

// updateLive rewrites the figures that change while the screen is open.
func (h *hardwareScreen) updateLive() {
	r := h.shownReport()
	if r == nil || h.ramBar == nil {
		return
	}
	secs := h.sections()
	h.updateRAM(r.RAM, secs[engine.SectionRAM])
	for _, s := range secs[engine.SectionGPU] {
		h.updateGPU(s, r.GPUs[s.GPU])
	}
	if s := secs[engine.SectionBandwidth]; len(s) > 0 && h.bwText != nil && !h.measuring {
		h.bwText.SetText(strings.Join(s[0].Lines, "\n"))
	}
	if s := secs[engine.SectionLlama]; len(s) > 0 && h.llamaText != nil {
		h.llamaText.SetText(strings.Join(s[0].Lines, "\n"))
	}
}

// updateRAM rewrites the RAM bar from m and the RAM card's text, less its first line, from its
// section (when there is one), stamped with the time.
func (h *hardwareScreen) updateRAM(m hwprobe.RAM, secs []engine.HardwareSection) {
	if m.TotalBytes > 0 {
		h.ramBar.SetValue(float64(m.UsedBytes) / float64(m.TotalBytes))
	}
	h.ramBar.TextFormatter = func() string {
		return fmt.Sprintf("%s used of %s · %s available", units.GB(int64(m.UsedBytes)), units.GB(int64(m.TotalBytes)), units.GB(int64(m.AvailableBytes)))
	}
	h.ramBar.Refresh()
	if len(secs) > 0 {
		h.ramText.SetText(strings.Join(secs[0].Lines[1:], "\n") + "\nUpdated " + h.now().Format("15:04:05"))
	}
}

// updateGPU rewrites the memory bar of GPU g, whose card section is s, when its memory size is
// known (used memory from free when the driver gives only that), and the card's text.
func (h *hardwareScreen) updateGPU(s engine.HardwareSection, g hwprobe.GPU) {
	if bar := h.gpuBars[s.GPU]; bar != nil && g.MemoryTotalBytes > 0 {
		used := g.MemoryUsedBytes
		if used == 0 && g.MemoryFreeBytes <= g.MemoryTotalBytes {
			used = g.MemoryTotalBytes - g.MemoryFreeBytes
		}
		bar.SetValue(float64(used) / float64(g.MemoryTotalBytes))
		bar.TextFormatter = func() string {
			return fmt.Sprintf("%s used of %s", units.BytesU(used), units.BytesU(g.MemoryTotalBytes))
		}
		bar.Refresh()
	}
	if txt := h.gpuTexts[s.GPU]; txt != nil {
		txt.SetText(strings.Join(s.Lines, "\n"))
	}
}

// isShown is true when this screen is the one in the content area (always, when standalone).
func (h *hardwareScreen) isShown() bool {
	if h.a == nil || h.a.content == nil {
		return true
	}
	objs := h.a.content.Objects
	return len(objs) > 0 && objs[0] == h.view
}

func wrapLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}
