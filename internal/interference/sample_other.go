//go:build !linux

package interference

// StartAt samples nothing here: this OS has no /proc counters slmscope reads.
func StartAt(root string, threads int, pids ...int) Sampling { return unmeasured{} }

type unmeasured struct{}

func (unmeasured) Stop() Report { return NotMeasured("not measured on this OS") }
