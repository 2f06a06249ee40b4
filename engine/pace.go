package engine

import (
	"context"
	"errors"
	"fmt"
	"math"

	"slmscope/engine/catalog"
	"slmscope/engine/estimate"
	"slmscope/engine/twin"
	"slmscope/internal/units"
)

// The machine's pace. A projection is this machine's speed as its calibration measured it;
// a run measured later compares with it only while the machine runs at that pace. A virtual
// machine can run slower for minutes with nothing in the guest showing it: on the 2-core EPYC
// test VM (2026-12-07 09:41–09:44, docs/accuracy.md) three large twins ran 1.7× slower than in
// any other sitting with other programs at 0.01–0.03 cores and steal at 0 %, and each fell
// outside its band. A run outside its band cannot say by itself whether the projection missed
// or the machine was slow; running one of the calibration's own twins again can (CheckPace).

// Pace verdicts.
const (
	PaceSame   = "same"
	PaceSlower = "slower"
	PaceFaster = "faster"
	PaceBusy   = "busy" // other programs disturbed the check itself
)

// PaceTolerance is how far the reference twin's time per token may move from the
// calibration's before the machine is called slower or faster: as far as a quiet machine's
// own pace moved. In 15 calibrations on 2 threads of the 2-core test VM over two days
// (2026-12-06 19:59 to 12-07 12:58), the twin the check picks there, Qwen2.5-0.5B Q6_K, fitted
// 17.2–20.7 ms a token: 1.20× from the fastest calibration to the slowest. The slow stretch
// above was 1.7×, and a 0.6-core CPU quota on 2 threads 3.4×.
const PaceTolerance = 0.2

// paceRunSeconds is the longest one run of the reference twin may have taken in the
// calibration: the check runs it paceRepeats times after the measurement it explains.
const paceRunSeconds = 2.5

// paceRepeats is how many times the check runs the reference twin; its slowest run is left
// out, as the calibration's repeats are (estimate.Measurement.DecodeTPS).
const paceRepeats = 3

// PaceCheck is the machine's pace now against its calibration's, from its reference twin run
// again with the calibration's settings. JSON names follow `slmscope bench --pace --json`.
type PaceCheck struct {
	// Reference is the twin run again (its label), from a calibration step measured with
	// Threads threads after a PromptTokens-token prompt.
	Reference    string `json:"reference"`
	Threads      int    `json:"threads"`
	PromptTokens int    `json:"prompt_tokens"`
	// CalibratedTokenMs is its time per token in the calibration of CalibratedAt; NowTokenMs
	// the same estimate from Runs runs now.
	CalibratedTokenMs float64 `json:"calibrated_token_ms"`
	CalibratedAt      string  `json:"calibrated_at"`
	NowTokenMs        float64 `json:"now_token_ms"`
	Runs              int     `json:"runs"`
	// Ratio is NowTokenMs / CalibratedTokenMs: above 1 the machine is slower now.
	Ratio   float64 `json:"ratio"`
	Verdict string  `json:"verdict"`
	// Why is the verdict in one sentence for people.
	Why string `json:"why"`
}

// Slower reports whether the machine ran slower than its calibration by more than
// PaceTolerance: measurements now are not its usual speed.
func (p PaceCheck) Slower() bool { return p.Verdict == PaceSlower }

// paceReference picks the calibration run the check repeats: a CPU run measured at least
// three times (so its own figure is steady), whose one run took at most paceRunSeconds, the
// one whose token reads the most bytes (its time is streaming, as a large model's is, more
// than fixed costs; a mixture of experts reads its active experts only: Granite's 0.8 GB MoE
// twin reads 0.3 GB a token, and its time moved 7 % from calibration to calibration with the
// machine's own pace taken out, against 1.6–2.5 % for Llama-3.2-1B's); without one, the
// quickest run measured more than once.
func paceReference(cal estimate.Calibration) (estimate.Measurement, bool) {
	var best estimate.Measurement
	found := false
	for _, m := range cal.Measurements {
		if !m.OnCPU() || len(m.TokenMsP50Runs) < 2 || m.Threads <= 0 {
			continue
		}
		if _, ok := catalog.ByID(m.ModelID); !ok || !m.Twin {
			continue
		}
		if !found || betterReference(m, best) {
			best, found = m, true
		}
	}
	return best, found
}

// betterReference says whether run a makes a better reference than b (paceReference).
func betterReference(a, b estimate.Measurement) bool {
	fitsA, fitsB := len(a.TokenMsP50Runs) >= 3 && runSeconds(a) <= paceRunSeconds, len(b.TokenMsP50Runs) >= 3 && runSeconds(b) <= paceRunSeconds
	switch {
	case fitsA != fitsB:
		return fitsA
	case fitsA:
		return runRead(a) > runRead(b)
	}
	return runSeconds(a) < runSeconds(b)
}

// runRead is the bytes a token of m's twin reads (stepRead).
func runRead(m estimate.Measurement) float64 {
	c, _ := catalog.ByID(m.ModelID)
	return stepRead(c, m.Quant)
}

// runSeconds is how long one run of m took: load, prompt and generation.
func runSeconds(m estimate.Measurement) float64 {
	s := m.LoadMs / 1000
	if m.PromptTPS > 0 {
		s += float64(m.PromptTokens) / m.PromptTPS
	}
	return s + float64(m.GenTokens)/m.DecodeTPS()
}

// ErrNoPaceReference says the calibration has no twin run that a pace check can repeat.
var ErrNoPaceReference = errors.New("the calibration has no CPU twin run measured more than once to compare with: measure this machine again (Compare ▶ Measure this machine, or slmscope calibrate)")

// CanCheckPace says why cal gives a pace check nothing to compare with (nil when it does):
// commands ask before they measure anything.
func CanCheckPace(cal estimate.Calibration) error {
	if len(cal.Measurements) == 0 {
		return fmt.Errorf("no pace to check against: %w", estimate.ErrNoCalibration)
	}
	if _, ok := paceReference(cal); !ok {
		return ErrNoPaceReference
	}
	return nil
}

// CheckPace runs s's calibration's reference twin again (writing it to cache first when it is
// gone) and compares its time per token with the calibration's. progress may be nil.
func CheckPace(ctx context.Context, s MachineState, cache *twin.Cache, worker Options, progress func(string)) (PaceCheck, error) {
	if err := CanCheckPace(s.Calibration); err != nil {
		return PaceCheck{}, err
	}
	ref, _ := paceReference(s.Calibration)
	m, _ := catalog.ByID(ref.ModelID)
	r := TwinRef(m, ref.Quant)
	if err := r.Resolve(ctx, cache, nil); err != nil {
		return PaceCheck{}, fmt.Errorf("pace check: writing the %s twin: %w", r.Label, err)
	}
	say := func(msg string) {
		if progress != nil {
			progress(msg)
		}
	}
	say(fmt.Sprintf("Checking the machine's pace: running %s as the calibration did (%d runs)…", r.Label, paceRepeats))
	res, err := Bench(ctx, BenchOptions{Model: r, PromptTokens: ref.PromptTokens, GenTokens: ref.GenTokens, Threads: ref.Threads,
		Context: ref.Context, Repeat: paceRepeats, Worker: worker})
	if err != nil {
		return PaceCheck{}, fmt.Errorf("pace check: %w", err)
	}
	now := estimate.Measurement{TokenMsP50Runs: repeatTokenMs(res.Runs)}
	p := PaceCheck{Reference: r.Label, Threads: ref.Threads, PromptTokens: ref.PromptTokens, CalibratedTokenMs: 1000 / ref.DecodeTPS(),
		CalibratedAt: s.Calibration.When.Local().Format("2 Jan 15:04"), NowTokenMs: 1000 / now.DecodeTPS(), Runs: len(res.Runs)}
	// any disturbed run makes the check unsure, even one its medians left out
	worst, disturbed := busiest(res.Runs)
	p.judge(disturbed > 0, worst.Sentence())
	return p, nil
}

// judge sets Ratio, Verdict and Why from the two times; busy with its sentence when other
// programs disturbed the check's runs.
func (p *PaceCheck) judge(busy bool, busyWhy string) {
	p.Ratio = p.NowTokenMs / p.CalibratedTokenMs
	times := fmt.Sprintf("its reference twin, %s, took %s a token now against %s in the calibration of %s", p.Reference,
		units.Millis(p.NowTokenMs), units.Millis(p.CalibratedTokenMs), p.CalibratedAt)
	switch {
	case math.IsNaN(p.Ratio) || math.IsInf(p.Ratio, 0) || p.Ratio <= 0:
		p.Verdict, p.Why = PaceBusy, "The machine's pace could not be checked: the reference twin gave no token times."
	case busy:
		p.Verdict = PaceBusy
		p.Why = "The machine's pace could not be checked. " + busyWhy
	case p.Ratio >= 1+PaceTolerance:
		p.Verdict = PaceSlower
		p.Why = fmt.Sprintf("The machine is running %.1f× slower than when it was calibrated: %s. Something slows the whole machine that the CPU counters do not show (a CPU quota, a virtual machine's host, power saving, heat), so a run now is not its usual speed: measure again later.", p.Ratio, times)
	case p.Ratio <= 1/(1+PaceTolerance):
		p.Verdict = PaceFaster
		p.Why = fmt.Sprintf("The machine is running %.1f× faster than when it was calibrated: %s. The calibration was measured in a slower stretch: measure this machine again.", 1/p.Ratio, times)
	default:
		p.Verdict = PaceSame
		p.Why = fmt.Sprintf("The machine runs at its calibrated pace (within %.0f %%): %s.", 100*PaceTolerance, times)
	}
}
