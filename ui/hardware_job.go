package ui

import (
	"context"
	"fmt"
	"time"

	"slmscope/engine"
	"slmscope/hwprobe"
)

// The Hardware screen's long work: probing (through the app's machine), measuring bandwidth,
// asking llama.cpp for its devices, and the live RAM/VRAM loop. This file is the screen's only
// code that calls fyne.Do.

// deliver hands a result to the UI goroutine unless the screen was closed.
func (h *hardwareScreen) deliver(f func()) {
	if h.ctx.Err() != nil {
		return
	}
	h.a.do(f)
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
	probe := h.src.probe
	opts := engine.MachineOptions{
		Probe: func(ctx context.Context, o hwprobe.Options) (*hwprobe.Report, error) {
			o.SkipBandwidth = true // measured next, with its own progress
			return probe(ctx, o)
		},
		LoadCalibration: h.src.loadCal,
	}
	h.a.loadMachine(h.ctx, opts, h.spawn, h.applyLoad)
}

func (h *hardwareScreen) applyLoad(st engine.MachineState, err error) {
	h.probing = false
	h.refreshBtn.Enable()
	h.busy.Stop()
	h.busy.Hide()
	if err != nil {
		h.status.SetText("The probe failed: " + err.Error())
		return
	}
	rep := st.Hardware
	h.status.SetText(fmt.Sprintf("Probed at %s in %.2f s. Every figure says where it came from; RAM updates live.",
		rep.ProbedAt.Local().Format("15:04:05"), rep.ProbeSeconds))
	if rep.Bandwidth.ReadGBps == 0 && !h.measuring {
		h.onRemeasure(false) // nothing cached this boot: measure once, in the background
	}
	if h.llamaText != nil {
		h.llamaText.SetText("Asking llama.cpp which devices it will use…")
	}
	h.spawn(func() {
		devs, note := h.src.devices(h.ctx)
		h.deliver(func() {
			h.devices, h.devNote = devs, note
			h.updateLive()
		})
	})
}

// onRemeasure runs the bandwidth microbenchmark in the background (force = ignore the cache)
// and publishes the result to the app's machine, so Compare and the lesson use it at once.
func (h *hardwareScreen) onRemeasure(force bool) {
	if h.measuring {
		return
	}
	h.measuring = true
	if h.remeasureBtn != nil {
		h.remeasureBtn.Disable()
		h.bwBusy.Show()
		h.bwBusy.Start()
		h.bwText.SetText("Measuring memory bandwidth (about half a second)…")
	}
	h.spawn(func() {
		bw := h.src.bandwidth(h.ctx, hwprobe.Options{Remeasure: force})
		h.deliver(func() {
			h.measuring = false
			if h.remeasureBtn != nil {
				h.remeasureBtn.Enable()
				h.bwBusy.Stop()
				h.bwBusy.Hide()
			}
			if bw.ReadGBps > 0 {
				h.a.machine.SetBandwidth(bw) // observers (this screen too) show it
			}
			h.updateLive()
			if bw.ReadGBps <= 0 && h.bwText != nil {
				h.bwText.SetText("CPU memory, measured: " + orWord(bw.Note, "could not be measured"))
			}
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

// liveTick reads memory off the UI goroutine and publishes it to the app's machine.
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
		if gpus != nil {
			h.gpuLive = gpus
		}
		if err == nil && ram.TotalBytes > 0 {
			h.a.machine.SetRAM(ram) // observers (this screen too) redraw
		} else {
			h.updateLive()
		}
	})
}

func orWord(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
