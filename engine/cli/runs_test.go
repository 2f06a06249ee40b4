package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/engine/ident"
	"slmscope/engine/runs"
)

func TestRunsCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs.jsonl")
	t.Setenv("SLMSCOPE_RUNS", path)
	code, out, _ := run(t, "runs")
	if code != ExitOK || !strings.Contains(out, "No runs yet") {
		t.Fatalf("empty history: exit %d, %q", code, out)
	}
	r := runs.Run{When: time.Now(), Origin: runs.OriginBench, Key: ident.Twin("tiny", "Q8_0"), Label: "Tiny (twin, Q8_0)", Quant: "Q8_0",
		PromptTokens: 16, GenTokens: 16, GenTPS: 123.4, PromptTPS: 900, TTFTMs: 20}
	if err := runs.Append(path, r); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, "runs")
	if code != ExitOK || !strings.Contains(out, "Tiny (twin, Q8_0)") || !strings.Contains(out, "123 tok/s") {
		t.Fatalf("exit %d, %q", code, out)
	}
	if strings.Contains(out, "(uneven)") {
		t.Errorf("a run without token times is called uneven: %q", out)
	}
	// gpt-oss-20b's run at 20:05 on the test VM: median token 84.9 ms, mean 7.41 tok/s
	tail := r
	tail.Label, tail.GenTokens, tail.GenTPS, tail.TokenMsP50, tail.TokenMsP95 = "Tail (twin, MXFP4_MOE)", 128, 7.41, 84.9, 301.1
	if err := runs.Append(path, tail); err != nil {
		t.Fatal(err)
	}
	if code, out, _ = run(t, "runs"); code != ExitOK || !strings.Contains(out, "7.4 tok/s (uneven)") {
		t.Errorf("an uneven run is not marked: exit %d, %q", code, out)
	}
	code, out, _ = run(t, "runs", "--json")
	var got runsReport
	if code != ExitOK || json.Unmarshal([]byte(out), &got) != nil || len(got.Runs) != 2 || got.Runs[0].GenTPS != 123.4 {
		t.Fatalf("--json: exit %d, %q", code, out)
	}
	if code, _, _ := run(t, "runs", "--last", "-1"); code != ExitUsage {
		t.Errorf("--last -1: exit %d", code)
	}
}
