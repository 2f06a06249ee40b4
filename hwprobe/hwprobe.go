// Package hwprobe tells what this machine has for running language models: the memory a
// program can actually use (cgroup-aware), the CPU and the instruction-set features llama.cpp
// cares about, every GPU through its vendor library (NVML, ROCm SMI, Metal, DXGI, loaded with
// purego, no cgo) or sysfs, a measured memory bandwidth, and power counters.
//
// Every figure carries where it came from (a Source string), and anything that could not be
// found is listed with the reason in an Unknown map or a note: the caller never has to guess
// whether a zero means "none" or "not detected".
//
// File parsers for /proc and /sys take an injectable root (Options.Root) so they are tested on
// fixture trees under testdata.
package hwprobe

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"time"

	"github.com/shirou/gopsutil/v3/common"
	"github.com/shirou/gopsutil/v3/host"
)

// EnvNVMLLib overrides the NVML library path (default libnvidia-ml.so.1 or nvml.dll).
const EnvNVMLLib = "SLMSCOPE_NVML_LIB"

// EnvROCmSMILib overrides the ROCm SMI library path (default librocm_smi64.so).
const EnvROCmSMILib = "SLMSCOPE_ROCM_SMI_LIB"

// Report is everything Probe found. Field names in JSON follow `slmscope probe --json`.
type Report struct {
	OS       string `json:"os"`
	Arch     string `json:"arch"`
	Kernel   string `json:"kernel,omitempty"`
	Platform string `json:"platform,omitempty"`

	CPU       CPU       `json:"cpu"`
	RAM       RAM       `json:"ram"`
	GPUs      []GPU     `json:"gpus"`
	GPUNotes  []string  `json:"gpu_notes"`
	Bandwidth Bandwidth `json:"bandwidth"`
	Power     Power     `json:"power"`

	// LlamaDevices is ggml's backend device list as the llama.cpp worker reports it; hwprobe
	// does not load llama.cpp, so the caller fills these two fields (see engine.ListDevices).
	LlamaDevices     []LlamaDevice `json:"llama_devices"`
	LlamaDevicesNote string        `json:"llama_devices_note,omitempty"`

	// Notes explains anything else that was missing (kernel version, ...).
	Notes    []string  `json:"notes,omitempty"`
	ProbedAt time.Time `json:"probed_at"`
	// ProbeSeconds is how long Probe took, bandwidth measurement included.
	ProbeSeconds float64 `json:"probe_seconds"`
}

// LlamaDevice is one ggml backend device as llama.cpp sees it.
type LlamaDevice struct {
	Name             string `json:"name"`
	Description      string `json:"description"`
	Type             string `json:"type"`
	MemoryFreeBytes  uint64 `json:"memory_free_bytes"`
	MemoryTotalBytes uint64 `json:"memory_total_bytes"`
}

// Options tunes Probe. The zero value probes this machine, measuring bandwidth unless a
// measurement from this boot is cached.
type Options struct {
	// Root is prepended to /proc, /sys and /usr/share paths ("" or "/" = the real system).
	Root string
	// NVMLLibrary is the NVML shared library to load; default $SLMSCOPE_NVML_LIB, else the
	// platform's name (libnvidia-ml.so.1, nvml.dll).
	NVMLLibrary string
	// ROCmSMILibrary is the ROCm SMI library; default $SLMSCOPE_ROCM_SMI_LIB, else librocm_smi64.so.
	ROCmSMILibrary string
	// SkipBandwidth skips the memory bandwidth microbenchmark (a cached result is still used).
	SkipBandwidth bool
	// Remeasure ignores a cached bandwidth result and measures again.
	Remeasure bool
	// CacheDir holds bandwidth.json; default os.UserCacheDir()/slmscope.
	CacheDir string
	// BandwidthBytes overrides the benchmark buffer size (0 = automatic, see DefaultBandwidthBytes).
	BandwidthBytes uint64
}

// Unknown maps a field name to why it has no value, e.g. "power_watts": "NVML: Not Supported".
type Unknown map[string]string

func (u *Unknown) set(field, reason string) {
	if *u == nil {
		*u = Unknown{}
	}
	(*u)[field] = reason
}

func (o Options) root() string {
	if o.Root == "" {
		return "/"
	}
	return o.Root
}

// isHost reports whether the probe looks at the running system rather than a fixture tree.
func (o Options) isHost() bool { return o.root() == "/" }

// path joins the root with an absolute system path.
func (o Options) path(p string) string { return filepath.Join(o.root(), p) }

// ctx returns a context that points gopsutil at the injected root.
func (o Options) ctx(ctx context.Context) context.Context {
	if o.isHost() {
		return ctx
	}
	return context.WithValue(ctx, common.EnvKey, common.EnvMap{
		common.HostProcEnvKey: o.path("/proc"),
		common.HostSysEnvKey:  o.path("/sys"),
		common.HostEtcEnvKey:  o.path("/etc"),
	})
}

func (o Options) nvmlLibrary() string {
	if o.NVMLLibrary != "" {
		return o.NVMLLibrary
	}
	if p := os.Getenv(EnvNVMLLib); p != "" {
		return p
	}
	return defaultNVMLLibrary
}

func (o Options) rocmLibrary() string {
	if o.ROCmSMILibrary != "" {
		return o.ROCmSMILibrary
	}
	if p := os.Getenv(EnvROCmSMILib); p != "" {
		return p
	}
	return "librocm_smi64.so"
}

func (o Options) cacheDir() (string, error) {
	if o.CacheDir != "" {
		return o.CacheDir, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no user cache folder to keep the bandwidth result in: %w", err)
	}
	return filepath.Join(d, "slmscope"), nil
}

// Probe inspects this machine. It returns an error only when the context is cancelled; every
// other failure becomes a reason inside the report.
func Probe(ctx context.Context, opts Options) (*Report, error) {
	start := time.Now()
	r := &Report{OS: runtime.GOOS, Arch: runtime.GOARCH, GPUs: []GPU{}, GPUNotes: []string{}, LlamaDevices: []LlamaDevice{}, ProbedAt: start}
	gctx := opts.ctx(ctx)
	if k, err := host.KernelVersionWithContext(gctx); err == nil && k != "" {
		r.Kernel = k
	} else if err != nil {
		r.Notes = append(r.Notes, fmt.Sprintf("kernel version unknown (%v)", err))
	}
	if p, _, v, err := host.PlatformInformationWithContext(gctx); err == nil && p != "" {
		r.Platform = p + " " + v
	}

	r.CPU = probeCPU(gctx, opts)
	ram, err := memoryWith(gctx, opts)
	if err != nil {
		ram.Unknown.set("total_bytes", err.Error())
	}
	r.RAM = ram
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	gpus, notes := probeGPUs(ctx, opts)
	r.GPUs = append(r.GPUs, gpus...)
	r.GPUNotes = append(r.GPUNotes, notes...)
	sort.SliceStable(r.GPUs, func(i, j int) bool { return r.GPUs[i].Vendor < r.GPUs[j].Vendor })
	if len(r.GPUs) == 0 && len(r.GPUNotes) == 0 {
		r.GPUNotes = append(r.GPUNotes, "no GPU found by any probe")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	r.Power = probePower(opts, r.GPUs)
	r.Bandwidth = probeBandwidth(ctx, opts, ram)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r.ProbeSeconds = time.Since(start).Seconds()
	return r, nil
}

// probeGPUs asks every vendor probe in turn; a vendor library that answers hides that vendor's
// sysfs entries so no GPU is listed twice.
func probeGPUs(ctx context.Context, opts Options) ([]GPU, []string) {
	var gpus []GPU
	var notes []string
	nv, err := probeNVML(opts.nvmlLibrary())
	if err != nil {
		notes = append(notes, err.Error())
	}
	gpus = append(gpus, nv...)
	if ctx.Err() != nil {
		return gpus, notes
	}
	amd, err := probeROCmSMI(opts.rocmLibrary())
	if err != nil {
		notes = append(notes, err.Error())
	}
	gpus = append(gpus, amd...)
	if runtime.GOOS == "linux" || !opts.isHost() {
		drm, drmNotes := probeDRM(opts, len(nv) > 0, len(amd) > 0)
		gpus = append(gpus, drm...)
		notes = append(notes, drmNotes...)
	}
	if opts.isHost() {
		pg, pn := probePlatformGPUs()
		for _, g := range pg {
			// DXGI lists NVIDIA and AMD adapters too; their vendor library gave more detail.
			if g.Vendor == "NVIDIA" && len(nv) > 0 || g.Vendor == "AMD" && len(amd) > 0 {
				continue
			}
			gpus = append(gpus, g)
		}
		notes = append(notes, pn...)
	}
	return gpus, notes
}
