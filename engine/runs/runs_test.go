package runs

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/engine/ident"
	"slmscope/internal/interference"
	"slmscope/internal/proctest"
)

func run(origin string, tps float64, when time.Time) Run {
	return Run{When: when, Origin: origin, Key: ident.Twin("smollm2-135m", "Q8_0"), Label: "SmolLM2-135M (twin, Q8_0)",
		Quant: "Q8_0", Twin: true, PromptTokens: 16, GenTokens: 32, GenTPS: tps, PromptTPS: 500, TTFTMs: 40}
}

func TestAppendLoadLatest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs.jsonl")
	t0 := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	for i, o := range []string{OriginBench, OriginLive, OriginCompare, OriginCalibration} {
		if err := Append(path, run(o, float64(10+i), t0.Add(time.Duration(i)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	rs, problems, err := Load(path)
	if err != nil || len(problems) != 0 || len(rs) != 4 {
		t.Fatalf("Load: %d runs, problems %v, %v", len(rs), problems, err)
	}
	if r, ok := Latest(rs, ident.Twin("smollm2-135m", "q8_0"), ""); !ok || r.Origin != OriginCalibration || r.GenTPS != 13 {
		t.Errorf("Latest = %+v", r)
	}
	if r, ok := Newest(rs, OriginLive); !ok || r.GenTPS != 11 || !strings.Contains(r.Describe(), "Live run") {
		t.Errorf("Newest live = %+v (%s)", r, r.Describe())
	}
}

func TestLoadSkipsBadLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs.jsonl")
	if err := Append(path, run(OriginLive, 50, time.Now())); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("garbage\n{\"v\":99,\"when\":\"2026-11-29T10:00:00Z\",\"key\":\"twin:a@Q8_0\",\"gen_tps\":1}\n")
	f.WriteString(`{"v":1,"when":"2026-11-29T10:00:00Z","key":"twin:a@Q8_0","gen_tps":-3}` + "\n")
	f.WriteString(`{"v":1,"when":"2026-11-29T1`) // a truncated end
	f.Close()
	rs, problems, err := Load(path)
	if err != nil || len(rs) != 1 || len(problems) != 4 {
		t.Fatalf("%d runs, problems %q, %v", len(rs), problems, err)
	}
	for _, want := range []string{"line 2 skipped: not a run", "newer slmscope", "gen_tps is -3", "line 5"} {
		if !strings.Contains(strings.Join(problems, "\n"), want) {
			t.Errorf("problems %q lack %q", problems, want)
		}
	}
	if err := Append(path, Run{When: time.Now(), Key: "twin:a@Q8_0", GenTPS: -1}); err == nil {
		t.Error("a negative speed was recorded")
	}
	if rs, _, err := Load(filepath.Join(t.TempDir(), "none.jsonl")); err != nil || rs != nil {
		t.Errorf("missing file: %v %v", rs, err)
	}
}

// TestTwoProcessesAppend appends from two processes at once: no run is lost.
func TestTwoProcessesAppend(t *testing.T) {
	if p := os.Getenv("RUNS_TEST_APPEND"); p != "" {
		for i := 0; i < 30; i++ {
			if err := Append(p, run(OriginBench, float64(i+1), time.Now())); err != nil {
				os.Exit(3)
			}
		}
		os.Exit(0)
	}
	path := filepath.Join(proctest.TempDir(t), "runs.jsonl")
	var cmds []*exec.Cmd
	for i := 0; i < 2; i++ {
		c := exec.Command(os.Args[0], "-test.run=^TestTwoProcessesAppend$")
		c.Env = append(os.Environ(), "RUNS_TEST_APPEND="+path)
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, c)
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("process %d: %v", i, err)
		}
	}
	rs, problems, err := Load(path)
	if err != nil || len(problems) != 0 || len(rs) != 60 {
		t.Fatalf("%d runs (want 60), problems %v, %v", len(rs), problems, err)
	}
}

// A run's interference is kept with it, and impossible figures are refused like speeds.
func TestInterferenceKeptAndChecked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs.jsonl")
	r := run(OriginBench, 16, time.Now())
	r.Interference = &interference.Report{Measured: true, Cores: 2, OtherCPUCores: 0.93, Disturbed: true, Why: "other programs used 0.93 of 2 cores during the run"}
	if err := Append(path, r); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), `"interference":{"measured":true,"other_cpu_cores":0.93,"cores":2,"steal_pct":0,"disturbed":true,`) {
		t.Errorf("line %s", data)
	}
	rs, _, err := Load(path)
	if err != nil || len(rs) != 1 || rs[0].Interference == nil || *rs[0].Interference != *r.Interference {
		t.Fatalf("loaded %+v, %v", rs, err)
	}
	for _, bad := range []interference.Report{{OtherCPUCores: -1}, {StealPct: math.NaN()}, {MemPressurePct: math.Inf(1)}} {
		r.Interference = &bad
		if err := r.Check(); err == nil {
			t.Errorf("%+v passed the check", bad)
		}
	}
}
