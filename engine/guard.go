package engine

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"slmscope/engine/estimate"
	"slmscope/engine/gguf"
	"slmscope/hwprobe"
	"slmscope/internal/units"
)

// DefaultStallTimeout is how long a worker may stay silent (no token, no answer) before the
// run ends with "llama.cpp stopped responding" and the worker is killed.
const DefaultStallTimeout = 60 * time.Second

// loadAllowancePerGiB is the extra silence a load may take per GiB of model file (reading it
// from a slow disk), on top of the stall timeout.
const loadAllowancePerGiB = 60 * time.Second

// StallError is a worker that said nothing for too long: it was killed, and the next run
// starts a fresh one.
type StallError struct {
	During  string
	Silence time.Duration
	Log     []string
}

func (e *StallError) Error() string {
	msg := fmt.Sprintf("llama.cpp stopped responding while %s (no word from it for %s), so slmscope stopped it", e.During, units.Duration(e.Silence.Seconds()))
	if len(e.Log) > 0 {
		msg += "; its last log lines: " + strings.Join(e.Log, " | ")
	}
	return msg + ". Try again (the next run starts a fresh worker); if it keeps happening, choose a smaller model or context, or close other programs."
}

// stallTimeout is the silence allowed for one step.
func (w *Worker) stallTimeout() time.Duration {
	if w.stall > 0 {
		return w.stall
	}
	return DefaultStallTimeout
}

// loadTimeout is the silence allowed while loading a file of size bytes: the stall timeout
// plus loadAllowancePerGiB per GiB.
func (w *Worker) loadTimeout(size int64) time.Duration {
	return w.stallTimeout() + time.Duration(float64(loadAllowancePerGiB)*float64(size)/(1<<30))
}

// promptTimeout is the silence allowed before the first token: the prompt is processed in
// one go, so a big model and a long prompt get more time (one stall timeout per GiB of
// weights per 512 prompt tokens, beyond the first).
func (w *Worker) promptTimeout(promptTokens int) time.Duration {
	gib := float64(w.modelStamp.size) / (1 << 30)
	batches := float64(promptTokens+511) / 512
	return w.stallTimeout() + time.Duration(float64(w.stallTimeout())*gib*batches)
}

// stalled kills a silent worker and says so.
func (w *Worker) stalled(during string, silence time.Duration) error {
	w.Kill()
	return &StallError{During: during, Silence: silence, Log: w.log.Lines(4)}
}

// fileStamp is what the parent checked about a model file: the worker refuses to load it if
// it has changed since, and a crash is explained as a changed file when it has.
type fileStamp struct {
	size    int64
	modNano int64
}

func stampOf(path string) (fileStamp, bool) {
	st, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, false
	}
	return fileStamp{size: st.Size(), modNano: st.ModTime().UnixNano()}, true
}

// ErrFileChanged is what a crash or refusal caused by a model file changing matches.
var ErrFileChanged = fmt.Errorf("the model file changed while it was being read")

// fileChanged reports whether path no longer matches the stamp taken when it was checked.
func (w *Worker) fileChanged(path string, s fileStamp) bool {
	now, ok := stampOf(path)
	return !ok || now != s
}

// restamp takes a loaded twin's new modification time: the twin cache sets it each time a
// twin is used (its eviction order), after checking the twin is whole. Without it, a worker
// killed during a later run on the same loaded twin was reported as "the model file changed".
// A different size is a different file and keeps the old stamp.
func (w *Worker) restamp(path string) {
	if now, ok := stampOf(path); ok && now.size == w.modelStamp.size {
		w.modelStamp = now
	}
}

// usableRAM returns the memory a model may use now (available RAM, capped by the cgroup);
// 0 means unknown. Tests replace it.
var usableRAM = func() int64 {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	ram, err := hwprobe.Memory(ctx)
	if err != nil {
		return 0
	}
	return int64(ram.AvailableBytes)
}

// MemoryError is a model refused before loading because it would not fit in memory.
type MemoryError struct {
	Path       string
	Need, Have int64
	Context    int
}

func (e *MemoryError) Error() string {
	return fmt.Sprintf("%s needs about %s of memory to run with a %d-token context (file plus KV cache), but only %s is available: choose a smaller model, quantization or context, or close other programs",
		baseName(e.Path), units.Bytes(e.Need), e.Context, units.Bytes(e.Have))
}

// checkMemory refuses a file whose weights plus KV cache at ctxLen exceed usable RAM. It is
// skipped when a GPU may take the weights or the figures are unknown.
func (w *Worker) checkMemory(path string, gf *gguf.File, size int64, ctxLen, gpuLayers int) error {
	if w.noMemoryCheck || (gpuLayers != 0 && w.hasGPU()) {
		return nil
	}
	have := usableRAM()
	if have <= 0 {
		return nil
	}
	info := gf.Info()
	ctxLen = runContext(ctxLen)
	if info.ContextLength > 0 && uint64(ctxLen) > info.ContextLength {
		ctxLen = int(info.ContextLength)
	}
	need := size
	var headDim uint64
	if info.HeadCount > 0 {
		headDim = info.EmbeddingLength / info.HeadCount
	}
	if kv, err := estimate.KVCacheBytes(int(info.BlockCount), int(info.HeadCountKV), int(headDim), ctxLen, ""); err == nil {
		need += kv
	}
	if need > have {
		return &MemoryError{Path: path, Need: need, Have: have, Context: ctxLen}
	}
	return nil
}

func (w *Worker) hasGPU() bool {
	for _, d := range w.Ready.Devices {
		if d.Type == "GPU" || d.Type == "IGPU" {
			return true
		}
	}
	return false
}
