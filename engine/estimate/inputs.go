package estimate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"slmscope/engine/quant"
	"slmscope/internal/statefile"
)

// Measurement is one measured run of a model (a twin or a real GGUF) on this machine, as the
// worker's benchmark reports it. Zero means "not measured" for every number.
type Measurement struct {
	ModelID string      `json:"model_id"`
	Quant   quant.Quant `json:"quant"`
	// Params is the model's parameter count (elements of all tensors).
	Params int64 `json:"params"`
	// FileBytes is the GGUF file size; WeightBytes the tensor data in it (what the plan
	// computes). Either may be zero; WeightBytes wins when both are set.
	FileBytes   int64 `json:"file_bytes,omitempty"`
	WeightBytes int64 `json:"weight_bytes,omitempty"`
	Context     int   `json:"context"`
	// UBatch is llama.cpp's n_ubatch for the run (0 = the default 512); the micro-batch that
	// matters for memory is min(PromptTokens, UBatch).
	UBatch  int `json:"ubatch,omitempty"`
	Threads int `json:"threads,omitempty"`
	// Device is where the model ran: "cpu" (or empty) or the GPU's name as Machine lists it.
	Device string `json:"device,omitempty"`
	// GPULayers is how many blocks were offloaded (0 on CPU).
	GPULayers int `json:"gpu_layers,omitempty"`

	GenTPS    float64 `json:"gen_tps"`
	GenTokens int     `json:"gen_tokens,omitempty"`
	// TokenMsP50 is the median time between generated tokens (0: not recorded).
	TokenMsP50 float64 `json:"token_ms_p50,omitempty"`
	// TokenMsP95 is the 95th-percentile time between generated tokens (0: not recorded): with
	// the median, how evenly the run's tokens came (engine.SteadinessOf).
	TokenMsP95 float64 `json:"token_ms_p95,omitempty"`
	// TokenMsP50Runs is each repeat's median token time when the run was measured more than
	// once (a calibration measures small twins three times, a pass of the ladder apart): how
	// far they spread is the machine's own drift over the calibration (driftOf).
	TokenMsP50Runs []float64 `json:"token_ms_p50_runs,omitempty"`
	PromptTPS      float64   `json:"prompt_tps"`
	PromptTokens   int       `json:"prompt_tokens"`
	TTFTMs         float64   `json:"ttft_ms"`
	LoadMs         float64   `json:"load_ms,omitempty"`
	// PeakRSSBytes is the worker process's peak resident set (weights, KV, buffers, runtime).
	PeakRSSBytes int64 `json:"peak_rss_bytes"`
	// Read is how the worker read the weights (ReadDirect, or "" / ReadMapped): a direct read
	// holds every weight once and no mapped original beside the repacked copy.
	Read string `json:"read,omitempty"`
	// AvgPowerW is the average power drawn during generation, when RAPL or NVML could read it.
	AvgPowerW   float64 `json:"avg_power_w,omitempty"`
	PowerSource string  `json:"power_source,omitempty"` // "RAPL package", "NVML", ...
	// Twin is true when the file was a twin slmscope wrote ("twin: real speed, random words").
	Twin bool      `json:"twin"`
	When time.Time `json:"when"`
}

// DecodeTPS is the run's decode speed as the speed models fit and check it: one over the median
// time between tokens where that was recorded, else GenTPS. On a shared machine a few tokens
// of a short run wait for another process's time slice; they move the mean by up to 10 %
// (GenTPS: all tokens over all their time) and turn a twin's chance delay into a kernel's
// cost, while the median token is the machine's own speed. The mean of a run is typically
// 1.5 % slower than its median token here (2-core EPYC, 67 calibration runs). Where the run was
// repeated (TokenMsP50Runs), it is the repeats' mean without the slowest (fastRepeatsMs).
func (m Measurement) DecodeTPS() float64 {
	if ms := fastRepeatsMs(m.TokenMsP50Runs); ms > 0 {
		return 1000 / ms
	}
	if m.TokenMsP50 > 0 {
		return 1000 / m.TokenMsP50
	}
	return m.GenTPS
}

// fastRepeatsMs is the mean of a run's repeats (each one's median token, ms) without the
// slowest, 0 for fewer than two. Other programs and the machine's own stalls only ever slow
// a repeat: over 190 repeats of four calibrations on 2 cores (2026-12-06), one in ten ran
// more than 12 % behind its run's median and one in ten more than 6 % ahead. Over six
// calibrations there, dropping the slowest rather than taking the median moved the median
// leave-one-out band from ±17.0 % to ±11.8 % and the median error from 6.6 % to 5.4 %
// (docs/accuracy.md). The mean a person sees is restored by meanPerMedian.
func fastRepeatsMs(runs []float64) float64 {
	if len(runs) < 2 {
		return 0
	}
	r := append([]float64(nil), runs...)
	sort.Float64s(r)
	var sum float64
	for _, v := range r[:len(r)-1] {
		if v <= 0 {
			return 0
		}
		sum += v
	}
	return sum / float64(len(r)-1)
}

// OnCPU reports whether the run used the CPU only (Device "cpu" or empty).
func (m Measurement) OnCPU() bool { return m.Device == "" || m.Device == "cpu" }

// ubatch returns the largest micro-batch the run processed: its prompt length capped by
// n_ubatch (llama.cpp's default 512). Compute scratch is touched only as far as the batches
// reach, so a 256-token prompt shows less of it in peak RSS than a 512-token one.
func (m Measurement) ubatch() int {
	ub := m.UBatch
	if ub <= 0 {
		ub = DefaultUBatch
	}
	if m.PromptTokens > 0 && m.PromptTokens < ub {
		return m.PromptTokens
	}
	return ub
}

// DefaultUBatch is llama.cpp's default n_ubatch.
const DefaultUBatch = 512

// GPU is one graphics device as the hardware probe reports it.
type GPU struct {
	Name   string `json:"name"`
	Vendor string `json:"vendor"` // "nvidia", "amd", "intel", "apple"
	// TotalBytes and FreeBytes are its memory; FreeBytes 0 means unknown.
	TotalBytes int64 `json:"total_bytes"`
	FreeBytes  int64 `json:"free_bytes"`
	// BandwidthGBs is the theoretical memory bandwidth (GB/s) from the vendor's spec or
	// library; 0 means unknown.
	BandwidthGBs float64 `json:"bandwidth_gbs"`
	// TFLOPS is the dense FP16 throughput when known (for prompt-speed projections).
	TFLOPS float64 `json:"tflops,omitempty"`
	// PowerLimitW is the board power limit (NVML), the default power for cost when no power
	// was measured.
	PowerLimitW float64 `json:"power_limit_w,omitempty"`
	// Unified is true for integrated / Apple GPUs that share system RAM.
	Unified bool `json:"unified,omitempty"`
}

// MachineSpec is what the estimator needs to know about this computer. The hardware probe fills
// it; everything is optional and a zero means unknown.
type MachineSpec struct {
	RAMTotalBytes     int64 `json:"ram_total_bytes"`
	RAMAvailableBytes int64 `json:"ram_available_bytes"`
	// CgroupLimitBytes is the container's memory limit (0 = none).
	CgroupLimitBytes int64  `json:"cgroup_limit_bytes,omitempty"`
	CPUName          string `json:"cpu_name,omitempty"`
	CPUCores         int    `json:"cpu_cores,omitempty"`
	// MeasuredBandwidthGBs is the memory bandwidth from slmscope's microbenchmark.
	MeasuredBandwidthGBs float64 `json:"measured_bandwidth_gbs,omitempty"`
	GPUs                 []GPU   `json:"gpus,omitempty"`
	// AppleWorkingSetBytes is Metal's recommendedMaxWorkingSetSize on Apple silicon (0 = not
	// a Mac or unknown).
	AppleWorkingSetBytes int64 `json:"apple_working_set_bytes,omitempty"`
	// Laptop selects the laptop default power (25 W) over the desktop one (65 W) for cost.
	Laptop bool `json:"laptop,omitempty"`
	// GPUNote says why GPUs were left out (e.g. the llama.cpp build has no GPU backend).
	GPUNote string `json:"gpu_note,omitempty"`
}

// UsableRAM is what a model may use in system memory: available RAM, capped by the cgroup
// limit when one is set. Zero means unknown.
func (m MachineSpec) UsableRAM() int64 {
	r := m.RAMAvailableBytes
	if r == 0 {
		r = m.RAMTotalBytes
	}
	if m.CgroupLimitBytes > 0 && (r == 0 || m.CgroupLimitBytes < r) {
		r = m.CgroupLimitBytes
	}
	return r
}

// Calibration is the set of measurements taken on one machine, cached between runs.
type Calibration struct {
	// Key identifies the hardware (the caller builds it from the hardware report); a cached
	// calibration is only used for a machine with the same key.
	Key          string        `json:"key"`
	When         time.Time     `json:"when"`
	Machine      MachineSpec   `json:"machine"`
	Measurements []Measurement `json:"measurements"`
	// BudgetSeconds and Notes record how the calibration run went ("stopped at the budget
	// before qwen2.5-1.5b", ...).
	BudgetSeconds float64  `json:"budget_seconds,omitempty"`
	Notes         []string `json:"notes,omitempty"`
	// DisturbedRuns counts the runs other programs disturbed: each was measured again or
	// left out, and none is among the measurements.
	DisturbedRuns int `json:"disturbed_runs"`
}

// cacheFile is the JSON document in calibration.json: one calibration per hardware key.
type cacheFile struct {
	Version int                    `json:"version"`
	Entries map[string]Calibration `json:"entries"`
}

const cacheVersion = 1

// CachePath is where calibrations are kept: os.UserCacheDir()/slmscope/calibration.json.
func CachePath() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no user cache folder to keep the calibration in (set $XDG_CACHE_HOME or $HOME): %w", err)
	}
	return filepath.Join(d, "slmscope", "calibration.json"), nil
}

// ErrNoCalibration is returned by LoadCalibration when nothing is cached for the key.
var ErrNoCalibration = errors.New("this machine has not been measured yet: run `slmscope calibrate` or press \"Measure this machine\"")

// LoadCalibration reads the calibration for key from path. An empty key returns the most
// recent calibration of any machine. A missing file or key gives ErrNoCalibration. A file
// that is not valid calibration JSON is moved aside (to path + ".corrupt-<time>") so the next
// save starts clean, and the error says where it went.
func LoadCalibration(path, key string) (Calibration, error) {
	cf, err := readCache(path)
	if err != nil {
		return Calibration{}, err
	}
	return pick(cf, key)
}

// ListCalibrations returns every cached calibration, newest first.
func ListCalibrations(path string) ([]Calibration, error) {
	cf, err := readCache(path)
	if err != nil {
		return nil, err
	}
	var out []Calibration
	for _, c := range cf.Entries {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].When.After(out[j].When) })
	return out, nil
}

func readCache(path string) (cacheFile, error) {
	var cf cacheFile
	err := statefile.Load("calibration cache", path, statefile.JSON(&cf, cacheVersion))
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		return cacheFile{}, ErrNoCalibration
	case statefile.Note(err) != "":
		a := asMoved(err)
		return cacheFile{}, fmt.Errorf("the calibration cache %s was unreadable (%v); it was moved to %s and this machine needs measuring again: %w", path, a.Problem, a.Aside, ErrNoCalibration)
	default:
		return cacheFile{}, err
	}
	if cf.Entries == nil {
		cf.Entries = map[string]Calibration{}
	}
	return cf, nil
}

func asMoved(err error) *statefile.MovedAsideError {
	var a *statefile.MovedAsideError
	errors.As(err, &a)
	return a
}

// SaveCalibration stores c under c.Key in path, keeping other machines' entries. It reads,
// changes and writes the file under a lock every slmscope process shares, writing a
// temporary file and renaming it, so a crash never leaves half a file and two processes
// saving at once both keep their entries.
func SaveCalibration(path string, c Calibration) error {
	return UpdateCalibration(path, c.Key, func(Calibration, bool) Calibration { return c })
}

// MergeSaveCalibration stores c merged (estimate's one merge rule) into what is saved under
// c.Key now, so measurements another process saved meanwhile are kept.
func MergeSaveCalibration(path string, c Calibration) error {
	return UpdateCalibration(path, c.Key, func(stored Calibration, found bool) Calibration {
		if !found {
			return c
		}
		return MergeCalibration(stored, c)
	})
}

// UpdateCalibration replaces the entry for key with what change returns, given the stored
// entry, under the shared lock. A bad cache file is moved aside first (and saving goes on).
func UpdateCalibration(path, key string, change func(stored Calibration, found bool) Calibration) error {
	if key == "" {
		return errors.New("a calibration needs a hardware key before it can be saved")
	}
	var cf cacheFile
	err := statefile.Update("calibration cache", path, statefile.JSON(&cf, cacheVersion), func(found bool) ([]byte, error) {
		if !found || cf.Entries == nil {
			cf = cacheFile{Entries: map[string]Calibration{}}
		}
		cf.Version = cacheVersion
		old, ok := cf.Entries[key]
		c := change(old, ok)
		c.Key = key
		cf.Entries[key] = c
		data, err := json.MarshalIndent(cf, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("cannot encode the calibration: %w", err)
		}
		return data, nil
	})
	if statefile.Note(err) != "" {
		return nil // the bad file was kept aside; the new one is saved
	}
	return err
}
