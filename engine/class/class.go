// Package class reads a folder of result files (engine/results) — one per machine in a
// classroom — and adds them up: machines × models measured, speed against memory bandwidth,
// how many machines can run a 7–8B or a 70B model by the one fit rule, the class's prediction
// scores, the median machine, and what llama.cpp's RPC backend would need for a model no one
// machine can hold. Every file is checked; a file that fails is listed with its reason and
// left out, and nothing else is lost. `slmscope class` and the Class screen use it.
package class

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"slmscope/engine/results"
	"slmscope/internal/predict"
)

// MaxFiles is how many result files one folder may offer; more are listed as refused.
const MaxFiles = 2000

// Rejected is a file left out, and why.
type Rejected struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// RunRow is a machine's newest run of one model.
type RunRow struct {
	Key          string    `json:"key"`
	Model        string    `json:"model"`
	Quant        string    `json:"quant"`
	Twin         bool      `json:"twin"`
	Origin       string    `json:"origin"`
	When         time.Time `json:"when"`
	GenTPS       float64   `json:"gen_tps"`
	PromptTPS    float64   `json:"prompt_tps"`
	TTFTMs       float64   `json:"ttft_ms"`
	PeakRSSBytes int64     `json:"peak_rss_bytes,omitempty"`
}

// Machine is one machine of the class, from its newest result file.
type Machine struct {
	Label        string        `json:"label"`
	File         string        `json:"file"`
	ID           string        `json:"id"`
	CPU          string        `json:"cpu"`
	Cores        int           `json:"cores"`
	Threads      int           `json:"threads"`
	RAMBytes     int64         `json:"ram_bytes"`
	GPUs         []string      `json:"gpus,omitempty"`
	BandwidthGBs float64       `json:"bandwidth_gbs"`
	Saved        time.Time     `json:"saved"`
	AppVersion   string        `json:"app_version"`
	LlamaVersion string        `json:"llama_version"`
	Runs         []RunRow      `json:"runs"`
	Fits         []Fit         `json:"fits"`
	Predictions  predict.Score `json:"predictions"`

	res results.Results
}

// Class is a folder of result files, added up.
type Class struct {
	Dir      string     `json:"dir"`
	Read     time.Time  `json:"read"`
	Machines []Machine  `json:"machines"`
	Rejected []Rejected `json:"rejected"`
	// Superseded are older saves of a machine that saved again (the newest counts).
	Superseded []Rejected `json:"superseded,omitempty"`
	// Ignored counts files that are not .json (and folders).
	Ignored     int           `json:"ignored"`
	CanRun      []CanRun      `json:"can_run"`
	Predictions predict.Score `json:"predictions"`
	Median      *Median       `json:"median,omitempty"`
	Speed       *SpeedModel   `json:"speed_model,omitempty"`
	RPC         []RPCPlan     `json:"rpc,omitempty"`
}

// FolderGoneError is a class folder that cannot be listed: removed, renamed, or a USB stick
// pulled out.
type FolderGoneError struct {
	Dir string
	Err error
}

func (e *FolderGoneError) Error() string {
	return fmt.Sprintf("the folder %s cannot be read (%v): was it removed, or the USB stick pulled out? Put it back or choose another folder", e.Dir, e.Err)
}

// Unwrap returns the cause.
func (e *FolderGoneError) Unwrap() error { return e.Err }

// candidates lists dir's .json files (sorted), how many other entries there were, and the
// files beyond MaxFiles.
func candidates(dir string) (files []string, ignored int, over []Rejected, err error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, 0, nil, &FolderGoneError{Dir: dir, Err: err}
	}
	for _, e := range ents {
		if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".json") || strings.HasPrefix(e.Name(), ".") {
			ignored++
			continue
		}
		files = append(files, e.Name())
	}
	sort.Strings(files)
	if len(files) > MaxFiles {
		for _, f := range files[MaxFiles:] {
			over = append(over, Rejected{File: f, Reason: fmt.Sprintf("more than %d result files in the folder: only the first %d (by name) are read", MaxFiles, MaxFiles)})
		}
		files = files[:MaxFiles]
	}
	return files, ignored, over, nil
}

// Fingerprint sums up what dir holds (names, sizes, times): when it changes, Load again.
func Fingerprint(dir string) (string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", &FolderGoneError{Dir: dir, Err: err}
	}
	h := sha256.New()
	for _, e := range ents {
		fmt.Fprint(h, e.Name(), "\x00")
		if info, err := e.Info(); err == nil {
			fmt.Fprint(h, info.Size(), info.ModTime().UnixNano(), "\x00")
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Load reads every result file in dir and adds them up. Only a folder that cannot be listed
// is an error (*FolderGoneError); a bad file is listed in Rejected and left out.
func Load(dir string) (Class, error) {
	files, ignored, over, err := candidates(dir)
	if err != nil {
		return Class{Dir: dir}, err
	}
	c := Class{Dir: dir, Read: time.Now(), Ignored: ignored, Rejected: over}
	newest := map[string]int{} // identity -> index in all
	var all []Machine
	for _, name := range files {
		r, err := results.ReadFile(filepath.Join(dir, name))
		if err != nil {
			c.Rejected = append(c.Rejected, Rejected{File: name, Reason: reason(dir, err)})
			continue
		}
		m := machineOf(name, r)
		if i, seen := newest[m.ID]; seen {
			older, newer := all[i], m
			if older.Saved.After(newer.Saved) {
				older, newer = newer, older
			}
			all[i] = newer
			c.Superseded = append(c.Superseded, Rejected{File: older.File, Reason: "an older save of the same machine as " + newer.File + " (the newest counts)"})
			continue
		}
		newest[m.ID] = len(all)
		all = append(all, m)
	}
	sort.SliceStable(all, func(i, j int) bool { return strings.ToLower(all[i].Label) < strings.ToLower(all[j].Label) })
	c.Machines = all
	if c.Rejected == nil {
		c.Rejected = []Rejected{}
	}
	if c.Machines == nil {
		c.Machines = []Machine{}
	}
	c.summarise()
	return c, nil
}

// reason is a refusal in one line, without the folder's path (the list names the file).
func reason(dir string, err error) string {
	s := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
	return strings.Join(strings.Fields(s), " ")
}

// machineOf is the class's row for one machine's results.
func machineOf(file string, r results.Results) Machine {
	h := r.Hardware
	m := Machine{Label: r.DisplayName(), File: file, ID: r.Identity(), CPU: h.CPU, Cores: h.Cores, Threads: h.Threads,
		RAMBytes: h.RAMBytes, BandwidthGBs: h.BandwidthGBs, Saved: r.Saved, AppVersion: r.AppVersion, LlamaVersion: r.LlamaVersion,
		Predictions: predict.ScoreAll(r.Predictions), res: r}
	if m.BandwidthGBs == 0 {
		m.BandwidthGBs = r.Machine.MeasuredBandwidthGBs
	}
	for _, g := range h.GPUs {
		m.GPUs = append(m.GPUs, g.Name)
	}
	seen := map[string]int{}
	for _, run := range r.Runs { // oldest first: a newer run of the same model replaces the row
		row := RunRow{Key: string(run.Key), Model: run.Label, Quant: string(run.Quant), Twin: run.Twin, Origin: run.Origin, When: run.When,
			GenTPS: run.GenTPS, PromptTPS: run.PromptTPS, TTFTMs: run.TTFTMs, PeakRSSBytes: run.PeakRSSBytes}
		if i, ok := seen[row.Key]; ok {
			m.Runs[i] = row
			continue
		}
		seen[row.Key] = len(m.Runs)
		m.Runs = append(m.Runs, row)
	}
	if m.Runs == nil {
		m.Runs = []RunRow{}
	}
	return m
}
