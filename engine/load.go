package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"slmscope/engine/estimate"
	"slmscope/engine/gguf"
	"slmscope/engine/wire"
	"slmscope/hwprobe"
)

// Loading a model into a worker, checking a model file before any worker sees it, and asking
// llama.cpp which devices it sees.

// LoadOptions says which model to load and how.
type LoadOptions struct {
	Path    string
	Threads int // 0: all logical CPUs
	Context int // 0: 2048
	// Device is "" or "auto" (the hardware GPU with the most free memory, else the CPU),
	// "cpu", or a llama.cpp device name ("Vulkan0").
	Device string
	// GPULayers is llama.cpp's n_gpu_layers on that device: AutoLayers (-1) for as many as
	// fit in its free memory, 0 for none, or a count (blocks+1 is the whole model).
	GPULayers int
}

// Load validates the file with slmscope's GGUF reader and refuses one that would not fit in
// memory, then has the worker load it. The worker re-checks the file's size and time just
// before loading, so a file rewritten in between is refused in words, and a crash while
// loading a file that changed says so.
func (w *Worker) Load(ctx context.Context, o LoadOptions) (*wire.ModelInfo, error) {
	if err := ValidateLoad(o); err != nil {
		return nil, err
	}
	gf, err := checkedModel(o.Path)
	if err != nil {
		return nil, err
	}
	stamp, ok := stampOf(o.Path)
	if !ok {
		return nil, fmt.Errorf("%w: %s vanished after it was checked; run again", ErrFileChanged, o.Path)
	}
	place, err := w.place(gf, o)
	if err != nil {
		return nil, err
	}
	if err := w.checkMemory(o.Path, gf, stamp.size, o.Context, place.GPULayers); err != nil {
		return nil, err
	}
	direct := w.readMode(gf, o.Path, o.Context, &place)
	w.Model, w.ModelPath, w.modelStamp, w.loading = nil, "", stamp, o.Path
	defer func() { w.loading = "" }()
	w.threads = o.Threads
	mark := w.log.mark()
	if err := w.send(wire.Request{Op: wire.OpLoad, Path: o.Path, Threads: o.Threads, Context: o.Context, GPULayers: place.GPULayers,
		Device: place.Device, ExpectSize: stamp.size, ExpectModNano: stamp.modNano, DirectIO: direct}); err != nil {
		return nil, w.crashError("loading " + o.Path)
	}
	ev, err := w.next(ctx, "loading "+o.Path, w.loadTimeout(stamp.size))
	if err != nil {
		if ctx.Err() != nil {
			w.Kill()
		}
		return nil, err
	}
	if ev.Op != wire.OpLoaded || ev.Model == nil {
		return nil, fmt.Errorf("worker answered %q to load", ev.Op)
	}
	lines := w.log.placementSince(mark)
	place.Buffers, place.Offloaded = parseBuffers(lines)
	place.GraphSplits = parseSplits(lines)
	place.Read = readName(ev.Model.LoadMode)
	w.Model, w.ModelPath, w.Placement = ev.Model, o.Path, place
	return ev.Model, nil
}

// readMode decides how a CPU run reads the weights of gf, the checked file at path (the fit
// rule's estimate.ReadsDirectly against the RAM usable now), and notes the choice in p. A run
// with layers on a GPU keeps llama.cpp's mapped read: the GPU does not repack.
func (w *Worker) readMode(gf *gguf.File, path string, ctxLen int, p *Placement) bool {
	if p.OnGPU() {
		return false
	}
	have := usableRAM()
	if have <= 0 {
		return false
	}
	fm, err := estimate.FileModelOf(gf, path)
	if err != nil {
		return false
	}
	direct, why := estimate.ReadsDirectly(fm, runContext(ctxLen), have)
	p.ReadWhy = why
	return direct
}

// runContext is the context a load of ctxLen tokens gets: the worker's 2048 for 0.
func runContext(ctxLen int) int {
	if ctxLen <= 0 {
		return 2048
	}
	return ctxLen
}

// readName is the read mode for people from llama.cpp's load-mode name.
func readName(loadMode string) string {
	switch loadMode {
	case "dio":
		return estimate.ReadDirect
	case "none":
		return "read"
	}
	return estimate.ReadMapped
}

// place resolves o's device and layer count against the devices the worker listed.
func (w *Worker) place(gf *gguf.File, o LoadOptions) (Placement, error) {
	p := Placement{Device: "cpu", Build: w.Ready.Build, BuildNote: w.Ready.BackendNote}
	dev, why, err := chooseDevice(w.Ready.Devices, o.Device)
	if err != nil {
		return p, err
	}
	p.Why = why
	ctxLen := runContext(o.Context)
	if dev == nil {
		_, p.Layers = autoGPULayers(gf, ctxLen, 0)
		return p, nil
	}
	p.Device, p.Description, p.GPULayers = dev.Name, dev.Description, o.GPULayers
	n, all := autoGPULayers(gf, ctxLen, dev.MemoryFree)
	p.Layers = all
	switch {
	case o.GPULayers == AutoLayers:
		p.GPULayers = n
		p.Why += fmt.Sprintf("; %d of %d layers fit in its free memory", n, all)
	case o.GPULayers > all:
		p.GPULayers = all
		p.Why += fmt.Sprintf("; all %d layers, as asked", all)
	default:
		p.Why += fmt.Sprintf("; %d of %d layers, as asked", o.GPULayers, all)
	}
	if p.GPULayers == 0 {
		p.Device, p.Description = "cpu", ""
		p.Why += ": the CPU"
	}
	return p, nil
}

// CheckModelFile runs slmscope's own GGUF checks, so no malformed file reaches llama.cpp.
// Paths that are not regular files (named pipes, devices, folders, broken links) are refused
// before anything opens them.
func CheckModelFile(path string) error {
	_, err := checkedModel(path)
	return err
}

func checkedModel(path string) (*gguf.File, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: choose a GGUF model file", err)
	}
	if err := f.CheckModel(); err != nil {
		return nil, err
	}
	return f, nil
}

// Device is one llama.cpp (ggml) backend device: what inference will actually use.
type Device = wire.Device

// ListDevices starts a worker just long enough to ask llama.cpp for its device list.
func ListDevices(ctx context.Context) ([]Device, error) {
	ready, err := readyEvent(ctx)
	return ready.Devices, err
}

// readyEvent starts a worker just long enough for its greeting: devices, build, version.
func readyEvent(ctx context.Context) (wire.Event, error) {
	w, err := Start(ctx, Options{})
	if err != nil {
		return wire.Event{}, err
	}
	defer w.Close()
	return w.Ready, nil
}

// LlamaDevices asks a short-lived worker for llama.cpp's device list in the hardware probe's
// terms. The string says where the list came from (which build of llama.cpp), or why there
// is none, and why a GPU build was passed over.
func LlamaDevices(ctx context.Context) ([]hwprobe.LlamaDevice, string) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ready, err := readyEvent(ctx)
	if err != nil {
		return nil, "llama.cpp's device list is unavailable: " + strings.Join(strings.Fields(err.Error()), " ")
	}
	out := make([]hwprobe.LlamaDevice, 0, len(ready.Devices))
	for _, d := range ready.Devices {
		out = append(out, hwprobe.LlamaDevice{Name: d.Name, Description: d.Description, Type: d.Type,
			MemoryFreeBytes: d.MemoryFree, MemoryTotalBytes: d.MemoryTotal})
	}
	note := "from the llama.cpp worker (ggml backend devices"
	if ready.Build != "" {
		note += " of the " + ready.Build + " build"
	}
	note += ")"
	if len(out) == 0 {
		note = "the llama.cpp worker listed no devices"
	}
	if ready.BackendNote != "" {
		note += "; " + ready.BackendNote
	}
	return out, note
}
