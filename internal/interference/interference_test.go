package interference

import (
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Two snapshots of fixture trees two seconds apart: a worker (pid 4242) and the app (777)
// used 2.00 cores' worth of ticks, and the rest of the busy time is other programs'.
func TestReportFromFixtureRoots(t *testing.T) {
	t0 := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		before, after string
		threads       int
		pids          []int
		want          Report
	}{
		// Pid 5151's threads also waited 0.70 s for a CPU (one of them started during the
		// run); the worker's own waiting does not count.
		{"before", "after-busy", 2, []int{4242, 777}, Report{Measured: true, Cores: 2, Threads: 2, Seconds: 2, OtherCPUCores: 1.28, OtherCPUWaitingCores: 0.35, MemPressurePct: 1, Disturbed: true,
			Why: "other programs wanted 1.28 of 2 cores during the run (they got 0.93; they waited for the rest)"}},
		// With 1 thread on 2 cores the free core is other programs', but they wanted 0.28
		// more than it.
		{"before", "after-busy", 1, []int{4242, 777}, Report{Measured: true, Cores: 2, Threads: 1, Seconds: 2, OtherCPUCores: 1.28, OtherCPUWaitingCores: 0.35, MemPressurePct: 1, Disturbed: true,
			Why: "other programs wanted 1.28 of 2 cores during the run (they got 0.93; they waited for the rest)"}},
		{"before", "after-quiet", 2, []int{4242, 777}, Report{Measured: true, Cores: 2, Threads: 2, Seconds: 2, OtherCPUCores: 0.05,
			Why: "other programs used 0.05 of 2 cores during the run"}},
		// Without the app's own pid, its 0.05 cores count as another program's.
		{"before", "after-quiet", 2, []int{4242}, Report{Measured: true, Cores: 2, Threads: 2, Seconds: 2, OtherCPUCores: 0.1,
			Why: "other programs used 0.10 of 2 cores during the run"}},
		// A kernel without steal or PSI still measures the CPU.
		{"old-kernel-before", "old-kernel-after", 2, []int{4242, 777}, Report{Measured: true, Cores: 2, Threads: 2, Seconds: 2, OtherCPUCores: 0.93, Disturbed: true,
			Why: "other programs used 0.93 of 2 cores during the run"}},
		// A measured process that cannot be read makes the figure unknowable, not large.
		{"before", "after-busy", 2, []int{4242, 9999}, Report{Why: "the measured processes' CPU time could not be read"}},
	}
	for _, tc := range tests {
		t.Run(tc.after+"/"+strconv.Itoa(tc.threads), func(t *testing.T) {
			a, err := readSnapshot(filepath.Join("testdata", tc.before), t0, tc.pids)
			if err != nil {
				t.Fatal(err)
			}
			b, err := readSnapshot(filepath.Join("testdata", tc.after), t0.Add(2*time.Second), tc.pids)
			if err != nil {
				t.Fatal(err)
			}
			if got := compare(a, b, tc.threads); got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestReadSnapshotWithoutProc(t *testing.T) {
	if _, err := readSnapshot(t.TempDir(), time.Now(), nil); err == nil || !strings.Contains(err.Error(), "CPU counters") {
		t.Errorf("err %v, want one about the CPU counters", err)
	}
}

func TestParseStat(t *testing.T) {
	tests := []struct {
		name, in    string
		busy, total uint64
		steal       uint64
		cores       int
		bad         bool
	}{
		{"ten fields", "cpu  10 1 5 80 2 1 1 3 0 0\ncpu0 1\ncpu1 1\ncpu2 1\ncpu3 1\n", 18, 103, 3, 4, false},
		{"seven values, no steal", "cpu 10 1 5 80 2 1 1\ncpu0 1\n", 18, 100, 0, 1, false},
		{"no per-cpu lines", "cpu 10 1 5 80 2 1 1 0\n", 18, 100, 0, 1, false},
		{"too few", "cpu 10 1 5\n", 0, 0, 0, 0, true},
		{"not a number", "cpu 10 x 5 80 2 1 1 3\n", 0, 0, 0, 0, true},
		{"no cpu line", "intr 5\n", 0, 0, 0, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, cores, err := parseStat([]byte(tc.in))
			if tc.bad {
				if err == nil {
					t.Errorf("no error for %q", tc.in)
				}
				return
			}
			if err != nil || c.busy != tc.busy || c.total != tc.total || c.steal != tc.steal || cores != tc.cores {
				t.Errorf("got %+v, %d cores, %v; want busy %d total %d steal %d, %d cores", c, cores, err, tc.busy, tc.total, tc.steal, tc.cores)
			}
		})
	}
}

func TestParsePidStat(t *testing.T) {
	tests := []struct {
		name, in string
		want     uint64
		bad      bool
	}{
		{"plain", "13041 (cat) R 12158 12158 7019 0 -1 4194304 99 0 0 0 7 3 0 0 20 0 1 0 46386", 10, false},
		{"name with spaces and parentheses", "5 (a (b) c) S 1 5 5 0 -1 0 0 0 0 0 100 23 9 9 20", 123, false},
		{"cut short", "5 (x) S 1 5 5 0 -1 0 0 0 0 0 100", 0, true},
		{"no name", "5 x S 1", 0, true},
		{"not a number", "5 (x) S 1 5 5 0 -1 0 0 0 0 0 a 1", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parsePidStat([]byte(tc.in))
			if (err != nil) != tc.bad || got != tc.want {
				t.Errorf("got %d, %v; want %d (error %v)", got, err, tc.want, tc.bad)
			}
		})
	}
}

func TestParsePSISome(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"some avg10=1.00 avg60=0.50 avg300=0.10 total=123456\nfull avg10=0 avg60=0 avg300=0 total=9\n", 123456, true},
		{"full avg10=0 avg60=0 avg300=0 total=9\n", 0, false},
		{"some avg10=1.00\n", 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		got, ok := parsePSISome([]byte(tc.in))
		if got != tc.want || ok != tc.ok {
			t.Errorf("%q: got %d %v, want %d %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// compare's judgement: each threshold alone makes a run disturbed; short or backwards
// intervals are not measured.
func TestCompare(t *testing.T) {
	t0 := time.Unix(1000, 0)
	snap := func(at time.Duration, busy, total, steal, own, mem uint64) snapshot {
		return snapshot{at: t0.Add(at), cpu: cpuTicks{busy: busy, total: total, steal: steal}, cores: 2, procTicks: own, procsOK: true, memSomeUs: mem, memOK: true}
	}
	base := snap(0, 1000, 5000, 0, 100, 0)
	tests := []struct {
		name      string
		after     snapshot
		other     float64
		disturbed bool
		measured  bool
		why       string
	}{
		{"quiet", snap(2*time.Second, 1210, 5400, 0, 300, 0), 0.05, false, true, "other programs used 0.05 of 2 cores"},
		{"just under the threshold", snap(2*time.Second, 1248, 5400, 0, 300, 0), 0.24, false, true, "0.24 of 2 cores"},
		{"at the threshold", snap(2*time.Second, 1250, 5400, 0, 300, 0), 0.25, true, true, "0.25 of 2 cores"},
		{"two busy programs", snap(2*time.Second, 1400, 5400, 0, 100, 0), 2, true, true, "2.00 of 2 cores"},
		{"own ticks ahead of busy ones", snap(2*time.Second, 1190, 5400, 0, 300, 0), 0, false, true, "0.00 of 2 cores"},
		{"steal", snap(2*time.Second, 1200, 5400, 120, 300, 0), 0, true, true, "the hypervisor took 30 % of the CPU time (steal)"},
		{"memory pressure", snap(2*time.Second, 1200, 5400, 0, 300, 400000), 0, true, true, "tasks waited for memory 20 % of the time"},
		{"too short", snap(20*time.Millisecond, 1002, 5004, 0, 102, 0), 0, false, false, "too short"},
		{"counters went backwards", snap(2*time.Second, 900, 5400, 0, 300, 0), 0, false, false, "backwards"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := compare(base, tc.after, 2)
			if r.OtherCPUCores != tc.other || r.Disturbed != tc.disturbed || r.Measured != tc.measured || !strings.Contains(r.Why, tc.why) {
				t.Errorf("got %+v; want other %.2f, disturbed %v, measured %v, why containing %q", r, tc.other, tc.disturbed, tc.measured, tc.why)
			}
			if s := r.Sentence(); (s != "") != tc.disturbed {
				t.Errorf("sentence %q for disturbed=%v", s, tc.disturbed)
			}
		})
	}
}

func TestSentence(t *testing.T) {
	tests := []struct {
		r    Report
		want string
	}{
		{Report{Measured: true, Cores: 2, OtherCPUCores: 0.93, Disturbed: true},
			"Another program used 0.93 of 2 cores during this run, so this speed is lower than the machine can do: close it, or run with fewer threads."},
		// A program that also waited for a CPU wanted more than it got.
		{Report{Measured: true, Cores: 2, OtherCPUCores: 0.99, OtherCPUWaitingCores: 0.36, Disturbed: true}, "Another program wanted 0.99 of 2 cores during this run"},
		{Report{Measured: true, Cores: 2, OtherCPUCores: 0.93, OtherCPUWaitingCores: 0.04, Disturbed: true}, "Another program used 0.93 of 2 cores"},
		{Report{Measured: true, Cores: 4, StealPct: 40, Disturbed: true}, "The hypervisor gave 40 % of this machine's CPU time to other machines"},
		{Report{Measured: true, Cores: 4, MemPressurePct: 15, Disturbed: true}, "short of memory for 15 % of this run"},
		{Report{Measured: true, Cores: 2, OtherCPUCores: 0.1}, ""},
		// judged for 1 thread: the CPU sentence needs more than the free core
		{Report{Measured: true, Cores: 2, Threads: 1, OtherCPUCores: 0.93, StealPct: 30, Disturbed: true}, "The hypervisor gave 30 %"},
		// A run on one thread is not told to use fewer.
		{Report{Measured: true, Cores: 2, Threads: 1, OtherCPUCores: 2.0, Disturbed: true},
			"Another program used 2.00 of 2 cores during this run, so this speed is lower than the machine can do: close it and run again."},
		{Report{Measured: true, Cores: 2, Threads: 1, StealPct: 40, Disturbed: true}, "measure again later."},
		{NotMeasured("not measured on this OS"), ""},
	}
	for _, tc := range tests {
		got := tc.r.Sentence()
		if (tc.want == "" && got != "") || !strings.HasPrefix(got, tc.want) && !strings.Contains(got, tc.want) {
			t.Errorf("%+v: %q, want %q", tc.r, got, tc.want)
		}
	}
}

// On Linux the live system is measured; elsewhere the report says it was not.
func TestStartOnThisSystem(t *testing.T) {
	s := Start(2)
	time.Sleep(120 * time.Millisecond)
	r := s.Stop()
	if runtime.GOOS != "linux" {
		if r.Measured || r.Why != "not measured on this OS" {
			t.Errorf("%+v, want not measured on this OS", r)
		}
		return
	}
	if !r.Measured || r.Cores < 1 || r.OtherCPUCores < 0 || r.OtherCPUCores > float64(r.Cores)+0.1 {
		t.Errorf("%+v: want a measured report within the machine's cores", r)
	}
}

func TestFixedReportsWithTheRunsThreads(t *testing.T) {
	r := Fixed(Quiet(4))(2, 1, 2).Stop()
	if !r.Measured || r.Disturbed || r.Cores != 4 || r.Threads != 2 || r.OtherCPUCores != 0 || r.Sentence() != "" {
		t.Errorf("quiet fixed report %+v", r)
	}
}
