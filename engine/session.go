package engine

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"slmscope/engine/twin"
	"slmscope/engine/wire"
)

// Session keeps one worker warm for interactive use: the model stays loaded between runs of
// the same model and settings, and a crashed worker is replaced on the next run.
type Session struct {
	Options Options
	Cache   *twin.Cache // nil: twin.DefaultCache()

	mu      sync.Mutex
	w       *Worker
	loadKey LoadOptions
	// current mirrors w for Memory, which must not wait for a run to finish.
	current atomic.Pointer[Worker]
}

// RunRequest is one interactive run.
type RunRequest struct {
	Model ModelRef
	// Threads is llama.cpp's thread count; 0 chooses it as the run starts (ChooseThreads:
	// a core less for each one other programs keep busy).
	Threads   int
	Context   int
	MaxTokens int
	Prompt    string
	// Chat sends the prompt through a real model's own chat template (twins never: their
	// words are noise); Sampling chooses how tokens are drawn (zero: the chat defaults).
	Chat     bool
	Sampling Sampling
	// Device and GPULayers say where the model runs (see LoadOptions): the zero values run
	// on the CPU; "auto" with AutoLayers takes the GPU with the most free memory.
	Device    string
	GPULayers int
}

// RunEvents are the callbacks of a run; any may be nil. They are called from the goroutine
// that called Run.
type RunEvents struct {
	// Stage hears what is happening: "writing twin", "starting llama.cpp", "loading model",
	// "generating"; frac is 0..1 where known, else -1.
	Stage func(stage string, frac float64)
	Token func(Token)
	// Resolved hears the model once its file is known (a file may turn out to be a twin).
	Resolved func(ModelRef)
}

// RunSummary is what a finished run measured.
type RunSummary struct {
	Model         ModelRef
	Result        *Result
	Info          wire.ModelInfo
	LlamaVersion  string
	WorkerStartMs float64 // 0 when a warm worker was reused
	LoadMs        float64 // 0 when the model was already loaded
	Reused        bool
	Threads       int
	// ThreadsWhy says how Threads was chosen when the request left it to the run ("" when
	// the person chose it).
	ThreadsWhy string
	// Placement is where the model ran: device, layers, llama.cpp's buffers.
	Placement Placement
}

// Devices is llama.cpp's device list as the warm worker reported it (nil before one started).
func (s *Session) Devices() []Device {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == nil {
		return nil
	}
	return s.w.Ready.Devices
}

// Prewarm starts a worker in advance so the first run only has to load the model.
func (s *Session) Prewarm(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.worker(ctx)
	return err
}

func (s *Session) worker(ctx context.Context) (*Worker, error) {
	if s.w != nil && !s.w.Exited() {
		return s.w, nil
	}
	s.w = nil
	w, err := Start(ctx, s.Options)
	if err != nil {
		return nil, err
	}
	s.w, s.loadKey = w, LoadOptions{}
	s.current.Store(w)
	return w, nil
}

// Run resolves the model (writing a twin if needed), loads it unless already loaded, and
// generates. Cancelling ctx stops it; the partial result is returned.
func (s *Session) Run(ctx context.Context, req RunRequest, ev RunEvents) (*RunSummary, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ref := req.Model
	if err := s.resolve(ctx, &ref, ev); err != nil {
		return nil, err
	}
	sum := &RunSummary{Model: ref, Threads: req.Threads}
	if req.Threads == 0 {
		ev.stage("choosing threads", -1)
		req.Threads, sum.ThreadsWhy = ChooseThreads(ctx, s.Options.Interference)
		sum.Threads = req.Threads
	}
	w, err := s.startedWorker(ctx, sum, ev)
	if err != nil {
		return nil, err
	}
	if err := s.loaded(ctx, w, req, sum, ev); err != nil {
		return nil, err
	}
	ev.stage("generating", -1)
	res, err := w.Generate(ctx, GenerateOptions{Prompt: req.Prompt, MaxTokens: req.MaxTokens, IgnoreEOS: ref.Twin,
		Chat: req.Chat && !ref.Twin, Greedy: req.Sampling.Greedy, Seed: req.Sampling.Seed,
		Temperature: req.Sampling.Temperature, TopP: req.Sampling.TopP}, ev.Token)
	sum.Result = res
	if err != nil {
		s.drop(err)
		return sum, err
	}
	if w.Exited() { // killed after a cancel that did not stop in time
		s.w = nil
	}
	return sum, nil
}

// stage tells ev.Stage, when set, what the run is doing.
func (ev RunEvents) stage(name string, frac float64) {
	if ev.Stage != nil {
		ev.Stage(name, frac)
	}
}

// resolve finds ref's file, writing its twin when needed, and tells ev.Resolved.
func (s *Session) resolve(ctx context.Context, ref *ModelRef, ev RunEvents) error {
	if ref.Twin && ref.Path == "" {
		ev.stage("preparing twin", -1)
	}
	err := ref.Resolve(ctx, s.Cache, func(done, total int64) {
		if total > 0 {
			ev.stage("writing twin", float64(done)/float64(total))
		}
	})
	if err != nil {
		return err
	}
	if ev.Resolved != nil {
		ev.Resolved(*ref)
	}
	return nil
}

// startedWorker is the warm worker, or a fresh one whose start time goes into sum; sum also
// gets the worker's llama.cpp version.
func (s *Session) startedWorker(ctx context.Context, sum *RunSummary, ev RunEvents) (*Worker, error) {
	fresh := s.w == nil || s.w.Exited()
	if fresh {
		ev.stage("starting llama.cpp", -1)
	}
	w, err := s.worker(ctx)
	if err != nil {
		return nil, err
	}
	if fresh {
		sum.WorkerStartMs = w.StartMs
	}
	sum.LlamaVersion = w.Ready.LlamaVersion
	return w, nil
}

// loaded has w load the model req asks for unless it holds it already with the same
// settings, and puts the load time (or the reuse) and the model's facts into sum. A failed
// load drops a worker that crashed.
func (s *Session) loaded(ctx context.Context, w *Worker, req RunRequest, sum *RunSummary, ev RunEvents) error {
	ref := sum.Model
	key := LoadOptions{Path: ref.Path, Threads: req.Threads, Context: req.Context, Device: req.Device, GPULayers: req.GPULayers}
	if s.loadKey != key || w.Model == nil {
		ev.stage("loading model", -1)
		info, err := w.Load(ctx, key)
		if err != nil {
			s.drop(err)
			return err
		}
		s.loadKey = key
		sum.LoadMs = info.LoadMs
	} else {
		sum.Reused = true
		if ref.Twin {
			w.restamp(ref.Path) // the twin cache marked its use; the mapped file is the same
		}
	}
	sum.Info, sum.Placement = *w.Model, w.Placement
	return nil
}

// drop forgets a worker that crashed so the next run starts a fresh one.
func (s *Session) drop(err error) {
	var crash *CrashError
	var stall *StallError
	if errors.As(err, &crash) || errors.As(err, &stall) || (s.w != nil && s.w.Exited()) {
		s.w = nil
		s.loadKey = LoadOptions{}
	}
}

// Memory reports the warm worker's resident memory now and at peak (0s if none is running).
func (s *Session) Memory(ctx context.Context) (rss, peak uint64) {
	w := s.current.Load()
	if w == nil || w.Exited() {
		return 0, 0
	}
	rss, peak, _ = w.Memory(ctx)
	return rss, peak
}

// Close stops the worker.
func (s *Session) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w != nil {
		_ = s.w.Close()
		s.w = nil
	}
}
