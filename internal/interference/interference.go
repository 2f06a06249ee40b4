// Package interference says what else the machine did while a run was measured: the CPU time
// other programs used (all busy CPU time minus that of the processes being measured), the time
// a hypervisor took away from this machine (steal), and memory pressure where the kernel keeps
// it (PSI). A run that other programs slowed is marked disturbed, with a sentence that says so,
// so that no slowed speed passes for what the machine can do.
//
// The figures come from two snapshots, one when the measured part of a run starts and one when
// it ends: Start takes the first, Sampling.Stop the second. Files are read under an injectable
// root (see StartAt) so the parsers are tested on fixture trees. One file per OS; where the OS
// offers no such counters, the report says "not measured on this OS".
package interference

import (
	"fmt"
	"time"
)

// Report is what other programs did during one run.
type Report struct {
	// Measured is false where the counters could not be read (another OS, a run too short to
	// tell); Why then says so and the figures are 0.
	Measured bool `json:"measured"`
	// OtherCPUCores is the CPU other programs wanted, in cores (0.93 = 93 % of one core),
	// averaged over the run: what they used, plus the time their threads waited for a CPU
	// where the kernel keeps it (waiting.go).
	OtherCPUCores float64 `json:"other_cpu_cores"`
	// OtherCPUWaitingCores is the waiting part of OtherCPUCores.
	OtherCPUWaitingCores float64 `json:"other_cpu_waiting_cores,omitempty"`
	// Cores is the number of logical CPUs the kernel counts; Threads the run's llama.cpp
	// threads (0: as many as cores). Cores the run left free are other programs' to use.
	Cores   int `json:"cores,omitempty"`
	Threads int `json:"threads,omitempty"`
	// StealPct is the share of the CPU time the hypervisor gave to other machines (0..100).
	StealPct float64 `json:"steal_pct"`
	// MemPressurePct is the share of the run's time some task waited for memory (PSI "some"),
	// where the kernel keeps it.
	MemPressurePct float64 `json:"mem_pressure_pct,omitempty"`
	// Seconds is how long the sampled interval lasted.
	Seconds   float64 `json:"seconds,omitempty"`
	Disturbed bool    `json:"disturbed"`
	// Why says what was found, in one phrase: "other programs used 0.93 of 2 cores during
	// the run".
	Why string `json:"why"`
}

// Sampling is one interval being sampled; Stop ends it and says what was found.
type Sampling interface {
	Stop() Report
}

// Source starts a Sampling over a run of threads llama.cpp threads (0: one per core) whose own
// CPU time is that of pids (the worker's and the app's): their time is not "other programs".
// Start is the system's; tests pass their own.
type Source func(threads int, pids ...int) Sampling

// Start samples the real system (see Source).
func Start(threads int, pids ...int) Sampling { return StartAt("/", threads, pids...) }

// Thresholds of a disturbed run.
const (
	// DisturbedOtherCores is how much CPU other programs may use beyond the cores the run left
	// free (cores − threads), in cores, before a run is disturbed. llama.cpp's threads
	// spin-wait, so a little CPU taken from a core they need costs far more than its share.
	// Measured 2026-12-04 on this project's 2-core Debian 12 machine (shared, so "quiet"
	// runs were often not: the figure below each speed is what this package measured),
	// `slmscope bench --model twin:smollm2-135m --json --repeat 1`, 512-token prompt, 128
	// generated, quiet and loaded runs alternated:
	//   --threads 2: other 0.01-0.03 cores: 112, 122, 127 tok/s; 0.15 (a process busy 25 %
	//   of the time): 111 (-11 %); 0.43 (busy 50 %): 53 (-58 %); 0.68-0.93: 18-36;
	//   one CPU-bound loop (1.4-1.5 measured, others busy too): 1.6-2.1.
	//   --threads 1: other 0.97 and 1.21 cores: 77 tok/s both (the free core taken: no
	//   loss); 1.36: 53; 1.59: 36.
	// So a quarter of a core is where the loss leaves run-to-run noise (±10 %). These figures
	// are what other programs used; with their waiting counted too (waiting.go), a program
	// that competed with the run reads higher, so the threshold flags it sooner, never later.
	DisturbedOtherCores = 0.25
	// DisturbedStealPct is how much steal time disturbs a run: a fifth of the CPU time taken
	// by the hypervisor slows llama.cpp's spin-waiting threads as another program would.
	// Not measured here (this machine's hypervisor took none): it mirrors the CPU threshold
	// as a share of the 2 cores the CPU figure was measured on.
	DisturbedStealPct = 25.0
	// DisturbedMemPressurePct is how much memory stall disturbs a run: a run that waits for
	// memory a tenth of its time is paging, not computing. Not measured here (no swap).
	DisturbedMemPressurePct = 10.0
)

// minInterval is the shortest interval the tick counters (1/100 s) can say anything about.
const minInterval = 50 * time.Millisecond

// NotMeasured is the report of an OS or a run where nothing could be read; why says so.
func NotMeasured(why string) Report { return Report{Why: why} }

// Sentence is what a screen or a terminal says about a disturbed run, with what to do; "" when
// the run was not disturbed.
func (r Report) Sentence() string {
	if !r.Disturbed {
		return ""
	}
	// A run on one thread has no fewer to go to.
	fewer, later := ", or run with fewer threads", ", or run with fewer threads"
	if r.Threads == 1 {
		fewer, later = " and run again", ""
	}
	switch {
	case r.CPUDisturbed():
		return fmt.Sprintf("Another program %s %.2f of %d cores during this run, so this speed is lower than the machine can do: close it%s.", r.CPUVerb(), r.OtherCPUCores, r.Cores, fewer)
	case r.StealPct >= DisturbedStealPct:
		return fmt.Sprintf("The hypervisor gave %.0f %% of this machine's CPU time to other machines during this run, so this speed is lower than the machine can do: measure again later%s.", r.StealPct, later)
	default:
		return fmt.Sprintf("The machine was short of memory for %.0f %% of this run, so this speed is lower than it can do: close other programs and run again.", r.MemPressurePct)
	}
}

// CPUVerb says what OtherCPUCores is: "wanted" where other programs also waited for a CPU
// (waitingWorthSaying or more), else "used".
func (r Report) CPUVerb() string {
	if r.OtherCPUWaitingCores >= waitingWorthSaying {
		return "wanted"
	}
	return "used"
}

// spareCores is the cores the run left to other programs.
func (r Report) spareCores() float64 {
	if r.Threads <= 0 || r.Threads >= r.Cores {
		return 0
	}
	return float64(r.Cores - r.Threads)
}

// CPUDisturbed says whether other programs took CPU the run needed (the cores it left free
// and DisturbedOtherCores more).
func (r Report) CPUDisturbed() bool {
	return r.Measured && r.OtherCPUCores >= r.spareCores()+DisturbedOtherCores
}

// Figure is the report for a table cell: "0.93 of 2 cores", with steal and memory stalls
// where there were any, or why nothing was measured.
func (r Report) Figure() string {
	if !r.Measured {
		return r.Why
	}
	s := fmt.Sprintf("%.2f of %d cores", r.OtherCPUCores, r.Cores)
	if r.StealPct > 0 {
		s += fmt.Sprintf(", steal %.1f %%", r.StealPct)
	}
	if r.MemPressurePct > 0 {
		s += fmt.Sprintf(", memory stalls %.1f %%", r.MemPressurePct)
	}
	return s
}

// Fixed is a Source that reports r for every run, with the run's threads: tests use it so that
// what they check does not depend on how busy the machine running them is.
func Fixed(r Report) Source {
	return func(threads int, _ ...int) Sampling { return fixedSampling{r: r, threads: threads} }
}

// Quiet is what Fixed reports for a machine where nothing else ran.
func Quiet(cores int) Report {
	return Report{Measured: true, Cores: cores, Why: fmt.Sprintf("other programs used 0.00 of %d cores during the run", cores)}
}

type fixedSampling struct {
	r       Report
	threads int
}

func (f fixedSampling) Stop() Report {
	r := f.r
	r.Threads = f.threads
	return r
}
