// Package engine runs language models for slmscope without ever loading llama.cpp into the
// caller's process: it starts `slmscope worker` as a child, validates every model file with
// its own GGUF reader first, streams tokens back with timings, and turns a worker crash
// (abort, signal, out-of-memory kill) into an error that says what happened.
package engine

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"slmscope/engine/wire"
	"slmscope/internal/interference"
)

// Options says how to start a worker. The zero value runs this executable as `slmscope worker`.
type Options struct {
	// Command is the worker's argv; empty means this executable with the argument "worker".
	Command []string
	// Env is added to the worker's environment.
	Env []string
	// Log, when set, also receives the worker's stderr (llama.cpp's log).
	Log io.Writer
	// StallTimeout is how long the worker may stay silent before it is killed and the run
	// ends with "llama.cpp stopped responding"; 0 means DefaultStallTimeout. Loading and a
	// first token after a long prompt get more, scaled by the model's size.
	StallTimeout time.Duration
	// NoMemoryCheck skips refusing a model that would not fit in available memory.
	NoMemoryCheck bool
	// Device is the device the runs will use ("", "auto", "cpu" or a llama.cpp device name):
	// "cpu" has the worker load llama.cpp's CPU build, so nothing goes to a GPU.
	Device string
	// Interference samples what other programs do while a generation runs (nil: the
	// system's counters, interference.Start); tests pass a fake to make runs disturbed.
	Interference interference.Source
}

// Worker is one running llama.cpp child process. Its methods are safe to call from one
// goroutine at a time, except Cancel, Kill and Memory, which may be called concurrently.
type Worker struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	events  chan wire.Event
	memory  chan wire.Event
	log     *logTail
	exited  chan struct{} // closed after the process has been waited for
	state   *os.ProcessState
	waitErr error

	writeMu sync.Mutex
	// Ready is the worker's greeting: llama.cpp version, library folder and devices.
	Ready wire.Event
	// Model is set after a successful Load.
	Model *wire.ModelInfo
	// Placement is where the loaded model runs (set by Load).
	Placement Placement
	// ModelPath is the file Load was given.
	ModelPath string
	started   time.Time
	StartMs   float64 // process start to ready

	stall         time.Duration
	noMemoryCheck bool
	interference  interference.Source
	threads       int         // the loaded model's llama.cpp threads (0: all logical CPUs)
	modelStamp    fileStamp   // the loaded (or loading) file as it was checked
	loading       string      // the file being loaded, during Load
	killedByUs    atomic.Bool // Kill was called: a SIGKILL is ours, not the OOM killer's
	oomBefore     uint64      // the system's OOM-kill count when the worker started
}

// Start launches a worker and waits until it has loaded llama.cpp and checked its version.
func Start(ctx context.Context, opts Options) (*Worker, error) {
	argv, err := workerArgv(opts.Command)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	noConsole(cmd)
	// GGML_NO_BACKTRACE: on an abort ggml would attach gdb and print a backtrace to stdout,
	// slow and unreadable; the assert line on stderr is what explains the crash.
	cmd.Env = withHugePages(append(append(os.Environ(), "GGML_NO_BACKTRACE=1", wire.EnvDevice+"="+opts.Device), opts.Env...))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("starting worker: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("starting worker: %w", err)
	}
	w := &Worker{
		cmd: cmd, stdin: stdin,
		events: make(chan wire.Event, 256),
		memory: make(chan wire.Event, 1),
		log:    newLogTail(200),
		exited: make(chan struct{}),
		stall:  opts.StallTimeout, noMemoryCheck: opts.NoMemoryCheck, interference: opts.Interference,
		oomBefore: oomKills(),
	}
	if opts.Log != nil {
		cmd.Stderr = io.MultiWriter(w.log, opts.Log)
	} else {
		cmd.Stderr = w.log
	}
	w.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting worker %s: %w", argv[0], err)
	}
	go w.readEvents(stdout)
	if err := w.awaitReady(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

// workerArgv is the worker's command line: command when given, else slmscope's own
// executable with the worker subcommand.
func workerArgv(command []string) ([]string, error) {
	if len(command) > 0 {
		return command, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding slmscope's own executable to start the worker: %w", err)
	}
	return []string{exe, "worker"}, nil
}

// awaitReady waits for the just started worker's first event, which must be ready, and
// records it and the start time; otherwise, on ctx's end or after 60 s it kills the worker
// and says why.
func (w *Worker) awaitReady(ctx context.Context) error {
	select {
	case ev, ok := <-w.events:
		if !ok {
			return w.crashError("starting")
		}
		if ev.Op == wire.OpError {
			w.Kill()
			return errors.New(ev.Error)
		}
		if ev.Op != wire.OpReady {
			w.Kill()
			return fmt.Errorf("worker said %q before it was ready", ev.Op)
		}
		w.Ready = ev
		w.StartMs = msSince(w.started)
		return nil
	case <-ctx.Done():
		w.Kill()
		return ctx.Err()
	case <-time.After(60 * time.Second):
		w.Kill()
		return fmt.Errorf("the worker did not start within 60 s; last log lines: %s", w.log.String())
	}
}

// readEvents decodes stdout until the process ends, then records how it ended.
func (w *Worker) readEvents(stdout io.Reader) {
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var ev wire.Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			w.log.Write([]byte("unreadable worker output: " + sc.Text() + "\n"))
			continue
		}
		if ev.Op == wire.OpMemory {
			select {
			case w.memory <- ev:
			default:
			}
			continue
		}
		w.events <- ev
	}
	w.waitErr = w.cmd.Wait()
	w.state = w.cmd.ProcessState
	close(w.exited)
	close(w.events)
}

func (w *Worker) send(req wire.Request) error {
	b, err := json.Marshal(req)
	if err != nil {
		return err
	}
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	if _, err := w.stdin.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("worker is not listening: %w", err)
	}
	return nil
}

// CrashError is a worker that ended without being asked to: a llama.cpp abort, a signal, an
// out-of-memory kill. It carries the last lines the worker logged.
type CrashError struct {
	During   string   // what the worker was doing: "loading model.gguf", "generating"
	Signal   string   // "SIGABRT", "SIGKILL", ... or ""
	ExitCode int      // when it exited without a signal
	Log      []string // last lines of llama.cpp's log
	// OutOfMemory is set when the system killed the worker (a SIGKILL slmscope did not
	// send), most likely its out-of-memory killer.
	OutOfMemory bool
	// FileChanged is set when the model file differs from what was checked before loading
	// (truncated or rewritten while llama.cpp had it mapped: a SIGBUS, typically).
	FileChanged bool
}

func (e *CrashError) Error() string {
	how := fmt.Sprintf("exited with code %d", e.ExitCode)
	if e.Signal != "" {
		how = "was killed by " + e.Signal
		switch {
		case e.FileChanged:
			how += " (the file was truncated or rewritten while llama.cpp had it open; wait for whatever writes it to finish, then run again)"
		case e.OutOfMemory:
			how += " (stopped by the system for lack of memory, most likely the out-of-memory killer: choose a smaller model, quantization or context, or close other programs)"
		case e.Signal == "SIGKILL":
			how += " (out of memory, or stopped by another program)"
		case e.Signal == "SIGABRT":
			how += " (llama.cpp aborted)"
		case e.Signal == "SIGSEGV", e.Signal == "SIGBUS":
			how += " (llama.cpp crashed)"
		}
	}
	msg := fmt.Sprintf("the llama.cpp worker %s while %s", how, e.During)
	if e.FileChanged {
		msg = "the model file changed while it was being read: " + msg
	}
	if len(e.Log) > 0 {
		msg += "; its last log lines: " + strings.Join(e.Log, " | ")
	}
	return msg + ". slmscope is fine: the next run starts a fresh worker."
}

func (w *Worker) crashError(during string) error {
	<-w.exited
	lines, goSignal := w.log.crashLines(6)
	e := &CrashError{During: during, Log: lines}
	if w.state != nil {
		e.ExitCode = w.state.ExitCode()
		e.Signal = signalName(w.state)
	}
	if e.Signal == "" && goSignal != "" {
		e.Signal = goSignal // caught by the Go runtime, which then exits with code 2
	}
	if e.Signal == "SIGKILL" && !w.killedByUs.Load() {
		// Not ours: the OOM killer, unless another program sent it. Say it was memory when
		// the kernel counted an OOM kill meanwhile, or where it keeps no count.
		e.OutOfMemory = oomKills() > w.oomBefore || !oomCountable()
	}
	if w.ModelPath != "" || w.loading != "" {
		p := w.loading
		if p == "" {
			p = w.ModelPath
		}
		e.FileChanged = w.fileChanged(p, w.modelStamp)
	}
	return e
}

// Is lets errors.Is(err, ErrFileChanged) match a crash caused by a changed model file.
func (e *CrashError) Is(target error) bool { return target == ErrFileChanged && e.FileChanged }

// Exited reports whether the worker process has ended.
func (w *Worker) Exited() bool {
	select {
	case <-w.exited:
		return true
	default:
		return false
	}
}

// next waits for the next event; a closed stream becomes a CrashError, and silence longer
// than timeout (0: the stall timeout) a StallError.
func (w *Worker) next(ctx context.Context, during string, timeout time.Duration) (wire.Event, error) {
	if timeout <= 0 {
		timeout = w.stallTimeout()
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-t.C:
		return wire.Event{}, w.stalled(during, timeout)
	case ev, ok := <-w.events:
		if !ok {
			return ev, w.crashError(during)
		}
		if ev.Op == wire.OpError {
			return ev, errors.New(ev.Error)
		}
		return ev, nil
	case <-ctx.Done():
		return wire.Event{}, ctx.Err()
	}
}

// Memory asks the worker for its resident memory now and at peak (0 = not measurable here).
func (w *Worker) Memory(ctx context.Context) (rss, peak uint64, err error) {
	if err := w.send(wire.Request{Op: wire.OpStatus}); err != nil {
		return 0, 0, err
	}
	select {
	case ev := <-w.memory:
		return ev.RSSBytes, ev.PeakRSSBytes, nil
	case <-w.exited:
		return 0, 0, errors.New("worker has exited")
	case <-ctx.Done():
		return 0, 0, ctx.Err()
	case <-time.After(5 * time.Second):
		return 0, 0, errors.New("worker did not answer a memory query within 5 s")
	}
}

// Cancel asks the worker to stop generating after the token in flight. Generate does this
// itself when its context is cancelled; Cancel is for callers that hold no context.
func (w *Worker) Cancel() { _ = w.send(wire.Request{Op: wire.OpCancel}) }

// Kill ends the worker at once.
func (w *Worker) Kill() {
	w.killedByUs.Store(true)
	if w.cmd.Process != nil {
		_ = w.cmd.Process.Kill()
	}
	<-w.exited
}

// Close asks the worker to exit and waits for it (killing it after 3 s).
func (w *Worker) Close() error {
	_ = w.stdin.Close()
	select {
	case <-w.exited:
		for range w.events { //nolint:revive // drain so the reader can finish
		}
		return nil
	case <-time.After(3 * time.Second):
		w.Kill()
		return nil
	}
}

// Log returns the last lines the worker logged.
func (w *Worker) Log(n int) []string { return w.log.Lines(n) }

// sampleInterference starts sampling other programs' CPU use: everything but this worker and
// the process that started it (the app or the command line, whose own cost the Live run
// reports separately).
func (w *Worker) sampleInterference() interference.Sampling {
	src := w.interference
	if src == nil {
		src = interference.Start
	}
	return src(w.threads, w.cmd.Process.Pid, os.Getpid())
}

func msSince(t time.Time) float64 { return float64(time.Since(t).Nanoseconds()) / 1e6 }
