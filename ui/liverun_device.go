package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
)

// Live run's device row: where the model runs (auto, the CPU, or one of llama.cpp's GPUs) and
// how many layers go to the GPU. It shows only when llama.cpp lists a GPU: on a machine
// without one there is nothing to choose, and the run goes to the CPU.

const (
	prefLiveDevice    = "live.device"     // "auto", "cpu" or a llama.cpp device name
	prefLiveGPULayers = "live.gpu_layers" // "auto" or a count
	deviceAuto        = "Auto"            // the GPU with the most free memory, else the CPU (the stats say which)
	deviceCPU         = "CPU only"
)

// deviceRow is the device select, the layer count and the row that holds them.
type deviceRow struct {
	sel    *widget.Select
	layers *widget.Entry
	row    *fyne.Container
	names  map[string]string // option label → device name
}

// newDeviceRow makes the row, hidden until the worker has listed a GPU.
func newDeviceRow(p fyne.Preferences) *deviceRow {
	d := &deviceRow{names: map[string]string{deviceAuto: "auto", deviceCPU: "cpu"}}
	d.sel = widget.NewSelect([]string{deviceAuto, deviceCPU}, func(string) {})
	d.sel.SetSelected(deviceAuto)
	d.layers = widget.NewEntry()
	d.layers.SetText(p.StringWithFallback(prefLiveGPULayers, "auto"))
	label := widget.NewLabelWithStyle("Device", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	d.row = container.NewBorder(nil, nil, label, nil, container.NewGridWithColumns(2, d.sel,
		container.NewBorder(nil, nil, widget.NewLabel("GPU layers"), nil, d.layers)))
	d.row.Hide()
	return d
}

// setDevices offers llama.cpp's GPUs (software ones marked) and shows the row when there is
// one, selecting the device last used when it is still there.
func (d *deviceRow) setDevices(devs []engine.Device, p fyne.Preferences) {
	opts := []string{deviceAuto, deviceCPU}
	want := p.StringWithFallback(prefLiveDevice, "auto")
	selected := deviceAuto
	if want == "cpu" {
		selected = deviceCPU
	}
	for _, dev := range devs {
		if dev.Type != "GPU" && dev.Type != "IGPU" {
			continue
		}
		label := dev.Name + ": " + dev.Description
		if engine.IsSoftwareGPU(dev) {
			label += " (the CPU in software)"
		}
		d.names[label] = dev.Name
		opts = append(opts, label)
		if strings.EqualFold(dev.Name, want) {
			selected = label
		}
	}
	d.sel.Options = opts
	d.sel.SetSelected(selected)
	if len(opts) > 2 {
		d.row.Show()
	}
}

// value is the chosen device and layer count, as a run request takes them; a hidden row means
// auto (the CPU on a machine without a GPU).
func (d *deviceRow) value() (device string, layers int, err error) {
	if d.row.Hidden {
		return "auto", engine.AutoLayers, nil
	}
	layers, err = engine.ParseGPULayers(d.layers.Text)
	return d.names[d.sel.Selected], layers, err
}

// remember keeps the choice for the next start.
func (d *deviceRow) remember(p fyne.Preferences) {
	if d.row.Hidden {
		return
	}
	p.SetString(prefLiveDevice, d.names[d.sel.Selected])
	p.SetString(prefLiveGPULayers, strings.TrimSpace(d.layers.Text))
}

// prewarm starts the worker ahead of the first run and then offers the devices it listed.
func (l *liveRun) prewarm() {
	_ = l.session.Prewarm(context.Background())
	devs := l.session.Devices()
	l.a.do(func() { l.device.setDevices(devs, l.a.fyne.Preferences()) })
}
