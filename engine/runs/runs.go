// Package runs is slmscope's one run history: every measurement (Live run, Compare ▶, a
// calibration step, `slmscope bench`) is appended as one JSON line to runs.jsonl in the
// user's slmscope folder. "Measured" on any screen means "from this history", with the run it
// came from; the lesson, the quiz and the class results read it too.
package runs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"slmscope/engine/ident"
	"slmscope/engine/quant"
	"slmscope/internal/interference"
	"slmscope/internal/safefile"
	"slmscope/internal/units"
)

// Version is the schema version written in every line.
const Version = 1

// Where a run was started from.
const (
	OriginLive        = "live"        // the Live run screen
	OriginCompare     = "compare"     // a Compare ▶ row
	OriginCalibration = "calibration" // a step of "Measure this machine" / `slmscope calibrate`
	OriginBench       = "bench"       // `slmscope bench`
)

// Run is one measured run.
type Run struct {
	Version int       `json:"v"`
	When    time.Time `json:"when"`
	Origin  string    `json:"origin"`
	// Key identifies the model (twin:ID@QUANT or file:PATH); Label is for people.
	Key     ident.Key   `json:"key"`
	Label   string      `json:"label"`
	ModelID string      `json:"model_id,omitempty"` // catalog id, for twins
	File    string      `json:"file,omitempty"`
	Quant   quant.Quant `json:"quant"`
	Twin    bool        `json:"twin"`
	Params  int64       `json:"params,omitempty"`
	// Machine is the hardware key (estimate.HardwareKey) the run was measured on.
	Machine string `json:"machine,omitempty"`

	Threads int `json:"threads,omitempty"`
	// Device is where the model ran: "cpu", a GPU's name, or "GPU + cpu" for a partial
	// offload of GPULayers layers (llama.cpp's count). Older entries have neither: the CPU.
	Device       string `json:"device,omitempty"`
	GPULayers    int    `json:"gpu_layers,omitempty"`
	Context      int    `json:"context,omitempty"`
	PromptTokens int    `json:"prompt_tokens"`
	GenTokens    int    `json:"gen_tokens"`

	LoadMs       float64 `json:"load_ms,omitempty"`
	TTFTMs       float64 `json:"ttft_ms"`
	PromptTPS    float64 `json:"prompt_tps"`
	GenTPS       float64 `json:"gen_tps"`
	TokenMsP50   float64 `json:"token_ms_p50,omitempty"`
	TokenMsP95   float64 `json:"token_ms_p95,omitempty"`
	PeakRSSBytes int64   `json:"peak_rss_bytes,omitempty"`
	// AppCPUShare is the app's own CPU use during the run in cores (0.37 = 37 % of one core),
	// when it was measured: the observer effect of the window on what it measures.
	AppCPUShare float64 `json:"app_cpu_cores,omitempty"`
	// Interference is what other programs did during the run (nil in runs recorded before
	// slmscope measured it): a disturbed run's speed is lower than the machine can do.
	Interference *interference.Report `json:"interference,omitempty"`

	// ProjectedTPS (with its band) is what slmscope projected for this run before it ran,
	// when it did: the track record of its projections.
	ProjectedTPS  float64 `json:"projected_tps,omitempty"`
	ProjectedLow  float64 `json:"projected_tps_low,omitempty"`
	ProjectedHigh float64 `json:"projected_tps_high,omitempty"`
	// Guess is the learner's prediction of GenTPS before the run, when they made one.
	Guess float64 `json:"guess_tps,omitempty"`
}

// Describe names the run for people: "Live run, 29 Nov 22:51: 95.0 tok/s".
func (r Run) Describe() string {
	where := map[string]string{OriginLive: "Live run", OriginCompare: "Compare ▶", OriginCalibration: "calibration", OriginBench: "slmscope bench"}[r.Origin]
	if where == "" {
		where = r.Origin
	}
	return fmt.Sprintf("%s, %s: %s", where, r.When.Local().Format("2 Jan 15:04"), units.TokPerSec(r.GenTPS))
}

// Check says what is wrong with a run read from a file, or nil.
func (r Run) Check() error {
	for name, v := range map[string]float64{"gen_tps": r.GenTPS, "prompt_tps": r.PromptTPS, "ttft_ms": r.TTFTMs, "load_ms": r.LoadMs} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return fmt.Errorf("%s is %v", name, v)
		}
	}
	if f := r.Interference; f != nil {
		for name, v := range map[string]float64{"other_cpu_cores": f.OtherCPUCores, "steal_pct": f.StealPct, "mem_pressure_pct": f.MemPressurePct} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return fmt.Errorf("interference %s is %v", name, v)
			}
		}
	}
	if r.Key.IsZero() {
		return errors.New("no model key")
	}
	if r.When.IsZero() {
		return errors.New("no time")
	}
	if r.Version > Version {
		return fmt.Errorf("written by a newer slmscope (schema %d, this one reads %d)", r.Version, Version)
	}
	return nil
}

// DefaultPath is runs.jsonl in the user's slmscope config folder (beside progress.json).
func DefaultPath() (string, error) {
	if p := os.Getenv("SLMSCOPE_RUNS"); p != "" {
		return p, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find your user config folder to keep the run history in: %w", err)
	}
	return filepath.Join(d, "slmscope", "runs.jsonl"), nil
}

// maxLine bounds one line of the history (a run is about 600 bytes).
const maxLine = 64 << 10

// Append adds r to the history at path, under the file lock, as one line: two processes
// appending at once both keep their run.
func Append(path string, r Run) error {
	r.Version = Version
	if r.When.IsZero() {
		r.When = time.Now()
	}
	if err := r.Check(); err != nil {
		return fmt.Errorf("not recording a run: %w", err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("cannot encode a run: %w", err)
	}
	unlock, err := safefile.Lock(path)
	if err != nil {
		return err
	}
	defer unlock()
	if st, err := os.Lstat(path); err == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("cannot record runs in %s: it is %s, not a file", path, safefile.Describe(st.Mode()))
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("cannot record the run in %s: %w", path, err)
	}
	_, werr := f.Write(append(b, '\n'))
	cerr := f.Close()
	if werr != nil || cerr != nil {
		return fmt.Errorf("cannot record the run in %s: %w", path, errors.Join(werr, cerr))
	}
	return nil
}

// Load reads the history, newest last. Lines that cannot be used (a truncated end, garbage,
// a future schema, impossible numbers) are skipped and said in problems: one bad line never
// costs the others. A missing file is an empty history.
func Load(path string) (runs []Run, problems []string, err error) {
	data, err := safefile.ReadFile(path, 256<<20)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read the run history: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var r Run
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			problems = append(problems, fmt.Sprintf("%s line %d skipped: not a run (%v)", filepath.Base(path), n, err))
			continue
		}
		if err := r.Check(); err != nil {
			problems = append(problems, fmt.Sprintf("%s line %d skipped: %v", filepath.Base(path), n, err))
			continue
		}
		runs = append(runs, r)
	}
	if err := sc.Err(); err != nil {
		problems = append(problems, fmt.Sprintf("%s: stopped reading after line %d: %v", filepath.Base(path), n, err))
	}
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].When.Before(runs[j].When) })
	return runs, problems, nil
}

// Latest is the newest run of the model with key k (on machine, when machine is not
// empty), and whether there is one.
func Latest(rs []Run, k ident.Key, machine string) (Run, bool) {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i].Key == k && (machine == "" || rs[i].Machine == "" || rs[i].Machine == machine) {
			return rs[i], true
		}
	}
	return Run{}, false
}

// Newest is the newest run of any model from origin ("" = any).
func Newest(rs []Run, origin string) (Run, bool) {
	for i := len(rs) - 1; i >= 0; i-- {
		if origin == "" || rs[i].Origin == origin {
			return rs[i], true
		}
	}
	return Run{}, false
}
