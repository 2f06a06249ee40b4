package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/quant"
	"slmscope/engine/twin"
	"slmscope/hwprobe"
	"slmscope/internal/units"
)

// MachineState is the one picture of this machine that every screen, `slmscope
// probe/project/report` and the lesson read: the hardware probe, the estimator's view of it,
// the stored calibration, and notes (a cache moved aside, nothing measured yet). A screen
// never keeps its own copy of these figures: it asks the Machine and observes it.
type MachineState struct {
	// Hardware is the probe's report (nil when the probe was skipped or failed).
	Hardware *hwprobe.Report
	// Machine is what the estimator uses. MeasuredBandwidthGBs is the newest measurement:
	// the probe's per-boot cache, replaced by a calibration's or a Remeasure.
	Machine estimate.MachineSpec
	// Key identifies the hardware in the calibration cache.
	Key string
	// Calibration is the stored calibration for Key (zero when nothing was measured).
	Calibration estimate.Calibration
	// Overhead is the memory overhead fitted on Calibration, for the fit rule.
	Overhead estimate.Overhead
	// Notes are sentences for people: an uncalibrated machine, missing figures.
	Notes []string
	// Warnings say that something went wrong and was repaired: a corrupt calibration cache
	// moved aside. Commands print them on stderr; screens show them beside the figures.
	Warnings []string
	// Revision grows with every change of calibration or bandwidth (not with live RAM), so
	// observers know when projections must be recomputed.
	Revision int
}

// Calibrated says whether any measurement backs the projections.
func (s MachineState) Calibrated() bool { return len(s.Calibration.Measurements) > 0 }

// Project projects catalog models at quants on this machine from its calibration, as Compare
// does (see estimate.ProjectWith); models it cannot project are left out.
func (s MachineState) Project(models []catalog.Model, quants []quant.Quant, opt estimate.Options) []estimate.Projection {
	ps, _ := estimate.ProjectWith(s.Machine, s.Calibration, models, quants, opt)
	return ps
}

// Fit is the one fit rule for catalog model m at quant q and context tokens on this machine
// (see estimate.FitAt).
func (s MachineState) Fit(m catalog.Model, q quant.Quant, context int) (estimate.Verdict, error) {
	return estimate.FitAt(m, q, context, s.Machine, s.Overhead)
}

// BandwidthText says the memory bandwidth the projections use, and where it came from.
func (s MachineState) BandwidthText() string {
	if s.Machine.MeasuredBandwidthGBs <= 0 {
		return fmt.Sprintf("memory bandwidth not measured (assumed %s)", units.GBps(estimate.AssumedBandwidthGBs))
	}
	src := "measured by slmscope's microbenchmark"
	if s.Hardware != nil && s.Hardware.Bandwidth.Source != "" {
		src = s.Hardware.Bandwidth.Source
	}
	return fmt.Sprintf("memory bandwidth %s (%s)", units.GBps(s.Machine.MeasuredBandwidthGBs), src)
}

// RAMText says the usable RAM and the total, on one scale: "22.6 GB usable of 24.4 GB".
func (s MachineState) RAMText() string {
	u := s.Machine.UsableRAM()
	if u <= 0 {
		return "RAM not measured"
	}
	t := s.Machine.RAMTotalBytes
	if s.Machine.CgroupLimitBytes > 0 && s.Machine.CgroupLimitBytes < t {
		t = s.Machine.CgroupLimitBytes
	}
	if t <= 0 {
		return units.GB(u) + " usable"
	}
	return units.GB(u) + " usable of " + units.GB(t)
}

// MachineOptions says where LoadMachine reads from; the zero value probes this machine and
// reads the user cache folder's calibration.
type MachineOptions struct {
	// CalibrationPath is the calibration cache file ("" = estimate.CachePath()).
	CalibrationPath string
	// NoProbe uses the machine stored with the calibration instead of probing.
	NoProbe bool
	// Probe replaces hwprobe.Probe (tests).
	Probe func(ctx context.Context, o hwprobe.Options) (*hwprobe.Report, error)
	// ProbeOptions are passed to the probe.
	ProbeOptions hwprobe.Options
	// LoadCalibration replaces reading CalibrationPath (tests).
	LoadCalibration func(path, key string) (estimate.Calibration, error)
}

// LoadMachine probes this machine (unless NoProbe), reads its calibration and combines them:
// the probe's bandwidth when it has one, else the calibration's. A corrupt cache is moved
// aside by estimate and said in Notes, as is a machine with nothing measured (with NoProbe
// and no calibration the Machine is then empty: the caller decides whether that is usable).
func LoadMachine(ctx context.Context, o MachineOptions) (MachineState, error) {
	var s MachineState
	path := o.CalibrationPath
	if path == "" {
		// A LoadCalibration of the caller's (the Hardware screen passes estimate's own) still
		// reads the default cache: it was handed "" and said the empty path was unusable.
		p, err := estimate.CachePath()
		switch {
		case err == nil:
			path = p
		case o.LoadCalibration == nil:
			return s, err
		}
	}
	if !o.NoProbe {
		probe := o.Probe
		if probe == nil {
			probe = hwprobe.Probe
		}
		hw, err := probe(ctx, o.ProbeOptions)
		if err != nil {
			return s, err
		}
		s.Hardware, s.Machine, s.Key = hw, estimate.MachineFromReport(hw), estimate.HardwareKey(hw)
	}
	load := o.LoadCalibration
	switch {
	case load != nil:
	case o.CalibrationPath != "": // a file the user named may be one calibration, read as it is
		load = estimate.ReadCalibrationFile
	default:
		load = estimate.LoadCalibration
	}
	cal, err := load(path, s.Key)
	switch {
	case err == nil:
		s.Calibration = cal
		s.Notes = withLadderGapNote(s.Notes, cal)
		if o.NoProbe {
			s.Machine, s.Key = cal.Machine, cal.Key
		} else if s.Machine.MeasuredBandwidthGBs == 0 {
			s.Machine.MeasuredBandwidthGBs = cal.Machine.MeasuredBandwidthGBs
		}
	case errors.Is(err, estimate.ErrNoCalibration):
		if err != estimate.ErrNoCalibration { // a corrupt cache was moved aside: say so
			s.Warnings = append(s.Warnings, err.Error())
		}
		s.Notes = append(s.Notes, UncalibratedNote)
	default:
		return s, err
	}
	s.Overhead = estimate.FitOverhead(s.Calibration.Measurements, catalog.All())
	return s, nil
}

// MachineHub holds the current MachineState for a whole process and tells observers when it
// changes. It is safe for concurrent use; observers run on the goroutine that made the
// change (the UI wraps them in its job adapters).
type MachineHub struct {
	// CalibrationPath is where calibrations are saved ("" = estimate.CachePath()).
	CalibrationPath string
	// Save replaces estimate.MergeSaveCalibration (tests).
	Save func(path string, c estimate.Calibration) error

	mu        sync.Mutex
	state     MachineState
	loaded    bool
	loading   chan struct{} // closed when the load in flight ends
	loadErr   error
	observers map[int]func(MachineState)
	next      int
}

// Load reads the machine (see LoadMachine) and publishes it.
func (h *MachineHub) Load(ctx context.Context, o MachineOptions) (MachineState, error) {
	if o.CalibrationPath == "" {
		o.CalibrationPath = h.CalibrationPath
	}
	s, err := LoadMachine(ctx, o)
	if err != nil {
		return s, err
	}
	h.publish(func(cur *MachineState) { s.Revision = cur.Revision + 1; *cur = s })
	return s, nil
}

// LoadOnce returns the loaded state, waiting for a load in flight, or loads it with o if
// nobody has: screens opening at the same time probe the machine once.
func (h *MachineHub) LoadOnce(ctx context.Context, o MachineOptions) (MachineState, error) {
	h.mu.Lock()
	if h.loaded {
		s := h.state
		h.mu.Unlock()
		return s, nil
	}
	if ch := h.loading; ch != nil {
		h.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return MachineState{}, ctx.Err()
		}
		h.mu.Lock()
		s, err := h.state, h.loadErr
		h.mu.Unlock()
		return s, err
	}
	ch := make(chan struct{})
	h.loading = ch
	h.mu.Unlock()
	s, err := h.Load(ctx, o)
	h.mu.Lock()
	h.loading, h.loadErr = nil, err
	h.mu.Unlock()
	close(ch)
	return s, err
}

// Current returns the state and whether it was loaded yet.
func (h *MachineHub) Current() (MachineState, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state, h.loaded
}

// Observe calls f with every new state until the returned function is called.
func (h *MachineHub) Observe(f func(MachineState)) (stop func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.observers == nil {
		h.observers = map[int]func(MachineState){}
	}
	id := h.next
	h.next++
	h.observers[id] = f
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.observers, id)
	}
}

// publish changes the state under the lock, then tells the observers outside it.
func (h *MachineHub) publish(change func(*MachineState)) MachineState {
	h.mu.Lock()
	change(&h.state)
	h.loaded = true
	s := h.state
	obs := make([]func(MachineState), 0, len(h.observers))
	for _, f := range h.observers {
		obs = append(obs, f)
	}
	h.mu.Unlock()
	for _, f := range obs {
		f(s)
	}
	return s
}

// AddCalibration merges fresh measurements into the stored calibration (estimate's one merge
// rule), saves it, takes a newly measured bandwidth, and publishes the result. A failed save
// is returned, but the new figures are published all the same.
func (h *MachineHub) AddCalibration(fresh estimate.Calibration) (MachineState, error) {
	var saveErr error
	s := h.publish(func(cur *MachineState) {
		if fresh.Key == "" {
			fresh.Key = cur.Key
		}
		merged := estimate.MergeCalibration(cur.Calibration, fresh)
		saveErr = h.save(merged)
		cur.Calibration = merged
		cur.Overhead = estimate.FitOverhead(merged.Measurements, catalog.All())
		if bw := fresh.Machine.MeasuredBandwidthGBs; bw > 0 {
			setBandwidth(cur, hwprobe.Bandwidth{ReadGBps: bw, Source: "re-measured at " + fresh.When.Local().Format("15:04") + " before the calibration"})
		}
		cur.Notes = withLadderGapNote(dropUncalibratedNote(cur.Notes), merged)
		cur.Revision++
	})
	return s, saveErr
}

// SetBandwidth publishes a new bandwidth measurement (the Hardware screen's Remeasure).
func (h *MachineHub) SetBandwidth(bw hwprobe.Bandwidth) MachineState {
	return h.publish(func(cur *MachineState) {
		if bw.ReadGBps <= 0 {
			return
		}
		setBandwidth(cur, bw)
		cur.Revision++
	})
}

// SetRAM publishes a live RAM reading (the Hardware screen's refresh); it does not bump
// Revision.
func (h *MachineHub) SetRAM(ram hwprobe.RAM) MachineState {
	return h.publish(func(cur *MachineState) {
		if cur.Hardware != nil {
			hw := *cur.Hardware
			hw.RAM = ram
			cur.Hardware = &hw
		}
		cur.Machine.RAMTotalBytes = int64(ram.TotalBytes)
		cur.Machine.RAMAvailableBytes = int64(ram.AvailableBytes)
		cur.Machine.CgroupLimitBytes = int64(ram.CgroupLimitBytes)
	})
}

func setBandwidth(cur *MachineState, bw hwprobe.Bandwidth) {
	cur.Machine.MeasuredBandwidthGBs = bw.ReadGBps
	if cur.Hardware != nil {
		hw := *cur.Hardware
		if bw.TriadGBps == 0 && bw.ReadGBps == hw.Bandwidth.ReadGBps {
			bw.TriadGBps = hw.Bandwidth.TriadGBps
		}
		if bw.TheoreticalGBps == 0 && bw.TheoreticalSource == "" { // the spec sheet did not change
			bw.TheoreticalGBps, bw.TheoreticalSource = hw.Bandwidth.TheoreticalGBps, hw.Bandwidth.TheoreticalSource
		}
		if bw.MeasuredAt.IsZero() {
			bw.MeasuredAt = time.Now()
		}
		hw.Bandwidth = bw
		cur.Hardware = &hw
	}
}

func (h *MachineHub) save(c estimate.Calibration) error {
	path := h.CalibrationPath
	if path == "" {
		p, err := estimate.CachePath()
		if err != nil {
			return err
		}
		path = p
	}
	save := h.Save
	if save == nil {
		save = estimate.MergeSaveCalibration // keeps what another slmscope saved meanwhile
	}
	return save(path, c)
}

func dropUncalibratedNote(notes []string) []string {
	var out []string
	for _, n := range notes {
		if n != UncalibratedNote {
			out = append(out, n)
		}
	}
	return out
}

// UncalibratedNote is said wherever projections rest on no measurement of this machine.
const UncalibratedNote = "uncalibrated: nothing measured on this machine yet; run `slmscope calibrate` (or press Measure this machine) for calibrated projections"

// NewTwinCache returns the user's twin cache with the one fit rule as its RAM check: a twin
// that would not fit this machine at twin.RunContext is refused before it is written.
func NewTwinCache(s MachineState) (*twin.Cache, error) {
	c, err := twin.DefaultCache()
	if err != nil {
		return nil, err
	}
	c.RAMCheck = func(m catalog.Model, q quant.Quant) (need, have int64, fits bool) {
		v, err := s.Fit(m, q, twin.RunContext)
		if err != nil || v.Placement == estimate.PlaceUnknown {
			return 0, 0, true
		}
		return v.NeedBytes, v.AvailableBytes, v.Fits
	}
	return c, nil
}

// TwinCacheHere is NewTwinCache for this machine as a quick probe (no bandwidth run) sees
// it: for commands that write twins without a loaded Machine.
func TwinCacheHere(ctx context.Context) (*twin.Cache, error) {
	s, err := LoadMachine(ctx, MachineOptions{ProbeOptions: hwprobe.Options{SkipBandwidth: true}})
	if err != nil {
		return twin.DefaultCache() // no probe, no RAM check: the write itself still checks disk and cap
	}
	return NewTwinCache(s)
}
