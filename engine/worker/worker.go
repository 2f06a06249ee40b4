// Package worker is the child side of slmscope's llama.cpp process. It is the only code that
// loads llama.cpp: `slmscope worker` runs Main, which reads wire.Requests on stdin and writes
// wire.Events on stdout. A llama.cpp abort kills only this process; the parent explains it.
package worker

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hybridgroup/yzma/pkg/llama"

	"slmscope/engine/assets"
	"slmscope/engine/wire"
)

// Main runs the worker until stdin closes. It returns the process exit code.
func Main(stdin io.Reader, stdout io.Writer) int {
	w := &server{out: bufio.NewWriterSize(stdout, 64<<10)}
	w.enc = json.NewEncoder(w.out)
	w.enc.SetEscapeHTML(false)
	// purego/libffi calls must stay on one OS thread with llama.cpp's thread-local state.
	runtime.LockOSThread()

	ready, err := startRuntime()
	if err != nil {
		w.send(wire.Event{Op: wire.OpError, Error: err.Error(), Fatal: true})
		return 1
	}
	w.send(ready)

	reqs := make(chan wire.Request, 4)
	go w.readRequests(stdin, reqs)
	for req := range reqs {
		w.handle(req)
	}
	w.unload()
	return 0
}

// server holds the worker's one model and context.
type server struct {
	mu  sync.Mutex // guards out/enc: the request reader answers cancel-less status itself
	out *bufio.Writer
	enc *json.Encoder

	model   llama.Model
	ctx     llama.Context
	nCtx    int
	nBatch  int
	threads int

	cancel atomic.Bool
}

func (w *server) send(ev wire.Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	_ = w.enc.Encode(ev)
	_ = w.out.Flush()
}

func (w *server) fail(format string, args ...any) {
	w.send(wire.Event{Op: wire.OpError, Error: fmt.Sprintf(format, args...)})
}

// readRequests decodes stdin. Cancel takes effect at once (between tokens); everything else
// is queued for the main loop, which owns llama.cpp.
func (w *server) readRequests(stdin io.Reader, reqs chan<- wire.Request) {
	defer close(reqs)
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var req wire.Request
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			w.fail("worker: unreadable request: %v", err)
			continue
		}
		switch req.Op {
		case wire.OpCancel:
			w.cancel.Store(true)
		case wire.OpStatus:
			rss, peak := memoryUse()
			w.send(wire.Event{Op: wire.OpMemory, RSSBytes: rss, PeakRSSBytes: peak})
		default:
			reqs <- req
		}
	}
}

func (w *server) handle(req wire.Request) {
	switch req.Op {
	case wire.OpLoad:
		ev, err := w.load(req)
		if err != nil {
			w.fail("%v", err)
			return
		}
		w.send(ev)
	case wire.OpGenerate:
		w.cancel.Store(false)
		if err := w.generate(req); err != nil {
			w.fail("%v", err)
		}
	case wire.OpQuantize:
		if err := quantize(req); err != nil {
			w.fail("%v", err)
			return
		}
		w.send(wire.Event{Op: wire.OpQuantized})
	default:
		w.fail("worker: unknown request %q", req.Op)
	}
}

// startRuntime finds llama.cpp, checks its version before binding anything, and loads it.
func startRuntime() (wire.Event, error) {
	build, note, err := chooseBuild()
	if err != nil {
		return wire.Event{}, err
	}
	dir := build.Dir
	ver, err := llamaVersion(dir)
	if err != nil {
		return wire.Event{}, err
	}
	if !versionMatches(ver) {
		return wire.Event{}, fmt.Errorf("llama.cpp in %s is version %s, but slmscope needs v%s: run `make setup`, or point %s at a v%s build", dir, ver, assets.LlamaVersion, assets.EnvLlamaDir, assets.LlamaVersion)
	}
	if err := llama.Load(dir); err != nil {
		return wire.Event{}, fmt.Errorf("loading llama.cpp from %s: %w (%s)", dir, err, loadHint)
	}
	llama.Init()
	ev := wire.Event{Op: wire.OpReady, LlamaVersion: ver, LibDir: dir, SystemInfo: llama.PrintSystemInfo(),
		Build: build.Variant, Backend: build.Backend, BackendNote: note}
	for i := uint64(0); i < llama.GGMLBackendDeviceCount(); i++ {
		d := llama.GGMLBackendDeviceGet(i)
		free, total := llama.GGMLBackendDeviceMemory(d)
		ev.Devices = append(ev.Devices, wire.Device{
			Name:        llama.GGMLBackendDeviceName(d),
			Description: llama.GGMLBackendDeviceDescription(d),
			Type:        llama.GGMLBackendDevType(d).String(),
			MemoryFree:  free,
			MemoryTotal: total,
		})
	}
	return ev, nil
}

// versionMatches accepts "0.5.0" and builds of it ("0.5.0-abc", "0.5.0 (abc)").
func versionMatches(v string) bool {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	if !strings.HasPrefix(v, assets.LlamaVersion) {
		return false
	}
	rest := v[len(assets.LlamaVersion):]
	return rest == "" || !strings.ContainsAny(rest[:1], "0123456789")
}

func (w *server) unload() {
	if w.ctx != 0 {
		_ = llama.Free(w.ctx)
		w.ctx = 0
	}
	if w.model != 0 {
		_ = llama.ModelFree(w.model)
		w.model = 0
	}
}

func (w *server) load(req wire.Request) (wire.Event, error) {
	w.unload()
	if req.Context <= 0 {
		req.Context = 2048
	}
	if req.Threads <= 0 {
		req.Threads = runtime.NumCPU()
	}
	mp := llama.ModelDefaultParams()
	if req.GPULayers >= 0 {
		mp.NGpuLayers = int32(req.GPULayers)
	}
	if req.DirectIO {
		mp.LoadMode = llama.LoadModeDirectIO
	}
	devices, err := placeOn(&mp, req.Device)
	if err != nil {
		return wire.Event{}, err
	}
	defer runtime.KeepAlive(devices)
	applyDiagnostics(&mp)
	if err := unchanged(req); err != nil {
		return wire.Event{}, err
	}
	start := time.Now()
	model, err := llama.ModelLoadFromFile(req.Path, mp)
	if err != nil {
		return wire.Event{}, fmt.Errorf("llama.cpp could not load %s: %w (its log above says why)", req.Path, err)
	}
	cp := llama.ContextDefaultParams()
	cp.NCtx = uint32(req.Context)
	cp.NBatch = uint32(min(req.Context, 2048))
	cp.NUbatch = uint32(min(req.Context, 512))
	cp.NThreads = int32(req.Threads)
	cp.NThreadsBatch = int32(req.Threads)
	cp.NoPerf = 0
	if strings.EqualFold(req.Device, "cpu") {
		// A GPU build would still send prompt batches of 32 tokens or more to its GPU
		// (op offload) with every layer in RAM: the CPU must mean the CPU.
		cp.OpOffload = 0
	}
	ctx, err := llama.InitFromModel(model, cp)
	if err != nil {
		_ = llama.ModelFree(model)
		return wire.Event{}, fmt.Errorf("llama.cpp could not create a %d-token context for %s: %w", req.Context, req.Path, err)
	}
	loadMs := msSince(start)
	w.model, w.ctx = model, ctx
	w.nCtx = int(llama.NCtx(ctx))
	w.nBatch = int(llama.NBatch(ctx))
	w.threads = req.Threads
	vocab := llama.ModelGetVocab(model)
	return wire.Event{Op: wire.OpLoaded, Model: &wire.ModelInfo{
		Description:  llama.ModelDesc(model),
		Params:       llama.ModelNParams(model),
		SizeBytes:    llama.ModelSize(model),
		Layers:       int(llama.ModelNLayer(model)),
		ContextTrain: int(llama.ModelNCtxTrain(model)),
		Context:      w.nCtx,
		Vocab:        int(llama.VocabNTokens(vocab)),
		Threads:      req.Threads,
		LoadMs:       loadMs,
		GPULayers:    int(mp.NGpuLayers),
		LoadMode:     llama.LoadModeName(mp.LoadMode),
	}}, nil
}

// placeOn points the model's parameters at one device: "cpu" keeps every layer in RAM, a
// llama.cpp device name ("Vulkan0") offloads to that device only, "" leaves llama.cpp's
// default (every GPU it found). It returns the device list, which must outlive the load.
func placeOn(mp *llama.ModelParams, device string) ([]llama.GGMLBackendDevice, error) {
	switch {
	case device == "":
		return nil, nil
	case strings.EqualFold(device, "cpu"):
		mp.SetCPUOnly()
		return nil, nil
	}
	dev := llama.GGMLBackendDeviceByName(device)
	if dev == 0 {
		var names []string
		for i := uint64(0); i < llama.GGMLBackendDeviceCount(); i++ {
			names = append(names, llama.GGMLBackendDeviceName(llama.GGMLBackendDeviceGet(i)))
		}
		return nil, fmt.Errorf("llama.cpp has no device %q: it has %s; choose one of them, or cpu", device, strings.Join(names, ", "))
	}
	devices := []llama.GGMLBackendDevice{dev, 0}
	return devices, mp.SetDevices(devices)
}

// unchanged refuses a file that is no longer what the parent checked (same size and
// modification time), so llama.cpp never maps a file that is being rewritten.
func unchanged(req wire.Request) error {
	if req.ExpectSize == 0 && req.ExpectModNano == 0 {
		return nil
	}
	st, err := os.Stat(req.Path)
	if err != nil {
		return fmt.Errorf("the model file changed while it was being read: %s is gone (%v); run again", req.Path, err)
	}
	if st.Size() != req.ExpectSize || st.ModTime().UnixNano() != req.ExpectModNano {
		return fmt.Errorf("the model file changed while it was being read: %s was %d bytes when checked and is %d bytes now; wait until whatever writes it has finished, then run again", req.Path, req.ExpectSize, st.Size())
	}
	return nil
}
