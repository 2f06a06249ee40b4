// Package results writes and reads result files: one small JSON file per machine with its
// anonymised hardware summary, calibration, measured runs and the learner's prediction
// record, signed with the installation's ed25519 key so that a file edited after it was saved
// is detected. The class view (engine/class) reads a folder of them.
//
// What the signature proves: the file is byte for byte what one slmscope installation (the
// holder of that private key) saved. What it does not prove: that the numbers are honest —
// the key lives on the learner's machine, so anyone with it can sign anything.
package results

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"slmscope/engine/assets"
	"slmscope/engine/estimate"
	"slmscope/engine/ident"
	"slmscope/engine/runs"
	"slmscope/hwprobe"
	"slmscope/internal/predict"
)

// Schema is the result file schema this slmscope writes and the newest it reads.
const Schema = 1

// Format names a result file in its first field.
const Format = "slmscope-results"

// AppVersion is slmscope's version (FyneApp.toml), written into every result file.
const AppVersion = "0.1.0"

// MaxFileBytes bounds a result file: a few hundred runs fit in far less.
const MaxFileBytes = 4 << 20

// MaxRuns is how many runs (the newest) a result file carries.
const MaxRuns = 500

// Hardware is the anonymised hardware summary: no host name, user name or path.
type Hardware struct {
	OS      string `json:"os"`
	Arch    string `json:"arch"`
	CPU     string `json:"cpu"`
	Cores   int    `json:"cores"`
	Threads int    `json:"threads"`
	// RAMBytes is the machine's total memory.
	RAMBytes int64 `json:"ram_bytes"`
	GPUs     []GPU `json:"gpus,omitempty"`
	// BandwidthGBs is the memory read bandwidth slmscope's microbenchmark measured (0 = not
	// measured); TheoreticalGBs the memory's published peak, when known.
	BandwidthGBs   float64 `json:"bandwidth_gbs"`
	TheoreticalGBs float64 `json:"theoretical_gbs,omitempty"`
}

// GPU is one GPU in the summary.
type GPU struct {
	Name         string  `json:"name"`
	Vendor       string  `json:"vendor,omitempty"`
	MemoryBytes  int64   `json:"memory_bytes,omitempty"`
	BandwidthGBs float64 `json:"bandwidth_gbs,omitempty"`
}

// Results is what a result file says about one machine.
type Results struct {
	Schema       int       `json:"schema"`
	App          string    `json:"app"`
	AppVersion   string    `json:"app_version"`
	LlamaVersion string    `json:"llama_version"`
	Saved        time.Time `json:"saved"`
	// Label is what the learner typed to name the file ("" = none); never a path.
	Label string `json:"label,omitempty"`
	// PublicKey (base64) is the installation's key, inside the signed part too.
	PublicKey string   `json:"public_key"`
	Hardware  Hardware `json:"hardware"`
	// Machine is the estimator's view of the machine (what the one fit rule judges against).
	Machine     estimate.MachineSpec `json:"machine"`
	Calibration estimate.Calibration `json:"calibration"`
	Runs        []runs.Run           `json:"runs"`
	Predictions []predict.Prediction `json:"predictions"`
}

// Input is what Build summarises: the app's machine, the run history and the prediction
// record.
type Input struct {
	Hardware    *hwprobe.Report
	Machine     estimate.MachineSpec
	Key         string // the hardware key (estimate.HardwareKey); runs of other hardware are left out
	Calibration estimate.Calibration
	Runs        []runs.Run
	Predictions []predict.Prediction
	Label       string
	Now         time.Time
}

// Build makes the anonymised results of in: paths are stripped from runs and the calibration,
// only this hardware's runs are kept (the newest MaxRuns), and the label is checked.
func Build(in Input) (Results, error) {
	label := strings.TrimSpace(in.Label)
	if err := CheckLabel(label); err != nil {
		return Results{}, err
	}
	if in.Now.IsZero() {
		in.Now = time.Now()
	}
	r := Results{Schema: Schema, App: "slmscope", AppVersion: AppVersion, LlamaVersion: assets.LlamaVersion,
		Saved: in.Now.UTC(), Label: label, Hardware: summarise(in.Hardware, in.Machine), Machine: in.Machine,
		Calibration: in.Calibration, Predictions: predict.Valid(in.Predictions)}
	if r.Predictions == nil {
		r.Predictions = []predict.Prediction{}
	}
	r.Calibration.Notes = nil // sentences may name files
	r.Calibration.Measurements = append([]estimate.Measurement(nil), in.Calibration.Measurements...)
	for i := range r.Calibration.Measurements {
		r.Calibration.Measurements[i].ModelID = baseName(r.Calibration.Measurements[i].ModelID)
	}
	r.Runs = []runs.Run{}
	for _, run := range in.Runs {
		if in.Key != "" && run.Machine != "" && run.Machine != in.Key {
			continue
		}
		if run.Check() != nil {
			continue
		}
		run.File = ""
		if p, ok := run.Key.Path(); ok {
			run.Key = ident.Key("file:" + baseName(p))
		}
		run.Label = baseName(run.Label)
		r.Runs = append(r.Runs, run)
	}
	sort.SliceStable(r.Runs, func(i, j int) bool { return r.Runs[i].When.Before(r.Runs[j].When) })
	if len(r.Runs) > MaxRuns {
		r.Runs = r.Runs[len(r.Runs)-MaxRuns:]
	}
	return r, nil
}

// summarise is the hardware summary: the probe's figures when there is a report, else the
// estimator's machine.
func summarise(rep *hwprobe.Report, m estimate.MachineSpec) Hardware {
	h := Hardware{CPU: m.CPUName, Cores: m.CPUCores, RAMBytes: m.RAMTotalBytes, BandwidthGBs: m.MeasuredBandwidthGBs}
	if rep != nil {
		h.OS, h.Arch, h.CPU = rep.OS, rep.Arch, rep.CPU.Model
		h.Cores, h.Threads = rep.CPU.PhysicalCores, rep.CPU.LogicalCores
		if rep.RAM.HostTotalBytes > 0 {
			h.RAMBytes = int64(rep.RAM.HostTotalBytes)
		} else if rep.RAM.TotalBytes > 0 {
			h.RAMBytes = int64(rep.RAM.TotalBytes)
		}
		h.TheoreticalGBs = rep.Bandwidth.TheoreticalGBps
		for _, g := range rep.GPUs {
			h.GPUs = append(h.GPUs, GPU{Name: g.Name, Vendor: g.Vendor, MemoryBytes: int64(g.MemoryTotalBytes), BandwidthGBs: g.BandwidthGBps})
		}
	} else {
		for _, g := range m.GPUs {
			h.GPUs = append(h.GPUs, GPU{Name: g.Name, Vendor: g.Vendor, MemoryBytes: g.TotalBytes, BandwidthGBs: g.BandwidthGBs})
		}
	}
	return h
}

// baseName keeps the last element of a path-like name (either separator, on any OS).
func baseName(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	return filepath.Clean(s)
}

// Identity is the machine: the installation's key and the hardware (not what changes between
// saves, like free memory or a re-measured bandwidth). The same machine saved twice has one.
func (r Results) Identity() string {
	h := r.Hardware
	parts := []string{r.PublicKey, h.OS, h.Arch, h.CPU, fmt.Sprint(h.Cores, "c", h.Threads, "t"), fmt.Sprintf("%dGB", (h.RAMBytes+5e8)/1e9)}
	for _, g := range h.GPUs {
		parts = append(parts, g.Name)
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "|")))
	return hex.EncodeToString(sum[:8])
}

// DisplayName names the machine for people: the label, else CPU and RAM.
func (r Results) DisplayName() string {
	if r.Label != "" {
		return r.Label
	}
	if r.Hardware.CPU != "" {
		return r.Hardware.CPU
	}
	return "machine " + r.Identity()
}

// envelope is the file: the signed results as their exact bytes, and the signature.
type envelope struct {
	Format    string          `json:"format"`
	Schema    int             `json:"schema"`
	PublicKey string          `json:"public_key"`
	Signature string          `json:"signature"`
	Results   json.RawMessage `json:"results"`
}

// signed is what the signature covers: a domain tag and the results' exact bytes.
func signed(payload []byte) []byte { return append([]byte(Format+"\n"), payload...) }

// Encode signs r with key and returns the file's bytes.
func Encode(r Results, key ed25519.PrivateKey) ([]byte, error) {
	pub := key.Public().(ed25519.PublicKey)
	r.PublicKey = base64.StdEncoding.EncodeToString(pub)
	if err := Validate(r); err != nil {
		return nil, fmt.Errorf("not saving results that would be refused: %w", err)
	}
	payload, err := json.MarshalIndent(r, "  ", "  ")
	if err != nil {
		return nil, fmt.Errorf("cannot encode the results: %w", err)
	}
	head, err := json.Marshal(struct {
		Format    string `json:"format"`
		Schema    int    `json:"schema"`
		PublicKey string `json:"public_key"`
		Signature string `json:"signature"`
	}{Format, Schema, r.PublicKey, base64.StdEncoding.EncodeToString(ed25519.Sign(key, signed(payload)))})
	if err != nil {
		return nil, fmt.Errorf("cannot encode the results: %w", err)
	}
	out := append(head[:len(head)-1:len(head)-1], []byte(",\n  \"results\": ")...)
	out = append(out, payload...)
	return append(out, "\n}\n"...), nil
}
