// The run history, the learner's predictions, what other programs did during a run, this
// process's own CPU and priority, and safe files, under the engine's names (see
// api_models.go).

package engine

import (
	"io/fs"
	"time"

	"slmscope/engine/results"
	"slmscope/engine/runs"
	"slmscope/internal/interference"
	"slmscope/internal/predict"
	"slmscope/internal/procself"
	"slmscope/internal/safefile"
)

// Run is one entry of the run history, runs.jsonl (runs.Run).
type Run = runs.Run

// OriginCompare marks a run measured from a Compare ▶ row (or the Models tab).
const OriginCompare = runs.OriginCompare

// LoadRunHistory reads the user's run history (the file Record appends to), newest last;
// problems lists the lines that could not be used.
func LoadRunHistory() (rs []Run, problems []string, err error) {
	path, err := runs.DefaultPath()
	if err != nil {
		return nil, nil, err
	}
	return runs.Load(path)
}

// LatestRun is the newest run in rs of the model with key k (on machine, when machine is
// not empty), and whether there is one.
func LatestRun(rs []Run, k ModelKey, machine string) (Run, bool) { return runs.Latest(rs, k, machine) }

// Prediction is the learner's guess beside slmscope's projection and the measurement
// (predict.Prediction).
type Prediction = predict.Prediction

// ParseGuess reads what the learner typed: "" is no guess (0, nil), otherwise a positive
// number of tokens per second.
func ParseGuess(s string) (float64, error) { return predict.ParseGuess(s) }

// InterferenceReport is what other programs did during a run (interference.Report).
type InterferenceReport = interference.Report

// CheckResultLabel refuses a result file label that could be taken for a path or that
// hides characters.
func CheckResultLabel(s string) error { return results.CheckLabel(s) }

// ProcessCPUTime is the user + system CPU time this process has used so far; false if the
// OS would not say.
func ProcessCPUTime() (time.Duration, bool) { return procself.CPUTime() }

// MainAndForeignCPU is the CPU time used so far by the main thread and by the threads Go
// did not start.
func MainAndForeignCPU() (time.Duration, bool) { return procself.MainAndForeignCPU() }

// CPUShare is the CPU used between two ProcessCPUTime readings, in cores.
func CPUShare(cpu0, cpu1 time.Duration, ok0, ok1 bool, wall time.Duration) float64 {
	return procself.Share(cpu0, cpu1, ok0, ok1, wall)
}

// LowerThread raises the calling OS thread's nice value by delta; restore undoes it.
func LowerThread(delta int) (restore func() bool, err error) { return procself.LowerThread(delta) }

// LowerForeignThreads raises by delta the nice value of this process's threads that Go did
// not start (the window's drawing threads); restore undoes it.
func LowerForeignThreads(delta int) (restore func() bool, err error) {
	return procself.LowerForeignThreads(delta)
}

// CheckFile reports whether path (following links) is a regular file slmscope may read,
// without opening it.
func CheckFile(path string) (fs.FileInfo, error) { return safefile.Check(path) }

// WriteFileAtomic writes data to path so that a crash leaves the old file or the new one,
// never a mix.
func WriteFileAtomic(path string, data []byte) error { return safefile.WriteAtomic(path, data) }
