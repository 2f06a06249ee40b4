//go:build linux

package interference

import "time"

// StartAt samples the counters under root ("/" = the live system); see Source.
func StartAt(root string, threads int, pids ...int) Sampling {
	s := &procSampling{root: root, threads: threads, pids: append([]int(nil), pids...), now: time.Now}
	s.first, s.err = readSnapshot(root, s.now(), s.pids)
	return s
}

// procSampling reads /proc at Start and at Stop.
type procSampling struct {
	root    string
	threads int
	pids    []int
	now     func() time.Time
	first   snapshot
	err     error
}

func (s *procSampling) Stop() Report {
	if s.err != nil {
		return NotMeasured(s.err.Error())
	}
	second, err := readSnapshot(s.root, s.now(), s.pids)
	if err != nil {
		return NotMeasured(err.Error())
	}
	return compare(s.first, second, s.threads)
}
