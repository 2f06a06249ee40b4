package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/engine/ident"
	"slmscope/engine/results/resultstest"
	"slmscope/engine/runs"
)

// TestResultsSaveThenClass saves this machine's result file with a label and reads it back
// with `slmscope class` beside generated ones and a broken file.
func TestResultsSaveThenClass(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("SLMSCOPE_RESULTS_KEY", filepath.Join(dir, "config", "key"))
	t.Setenv("SLMSCOPE_RUNS", filepath.Join(dir, "runs.jsonl"))
	if err := runs.Append(filepath.Join(dir, "runs.jsonl"), runs.Run{When: time.Now(), Origin: runs.OriginBench, Key: ident.File("/home/someone/m.gguf"),
		Label: "m.gguf", File: "/home/someone/m.gguf", Quant: "Q8_0", GenTPS: 12, PromptTPS: 100, TTFTMs: 50}); err != nil {
		t.Fatal(err)
	}
	room := filepath.Join(dir, "room")
	if err := os.MkdirAll(room, 0o755); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, "results", "save", "--name", "../x", "--out", filepath.Join(room, "me.json")); code != ExitUsage || !strings.Contains(errOut, "looks like a path") {
		t.Fatalf("path label: exit %d, %q", code, errOut)
	}
	code, out, errOut := run(t, "results", "save", "--name", "Teacher's desk", "--out", filepath.Join(room, "me.json"))
	if code != ExitOK || !strings.Contains(out, "Teacher's desk, 1 run, 0 predictions") {
		t.Fatalf("results save: exit %d\n%s\n%s", code, out, errOut)
	}
	data, _ := os.ReadFile(filepath.Join(room, "me.json"))
	if strings.Contains(string(data), "/home/someone") {
		t.Error("the result file carries a path")
	}
	if err := resultstest.Folder(room, 2, time.Now()); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(room, "broken.json"), []byte(`{"format":`), 0o644)

	code, out, errOut = run(t, "class", room, "--json", "--out", filepath.Join(dir, "class.html"))
	var got struct {
		Machines []struct {
			Label        string           `json:"label"`
			CPU          string           `json:"cpu"`
			RAMBytes     int64            `json:"ram_bytes"`
			BandwidthGBs float64          `json:"bandwidth_gbs"`
			Runs         []map[string]any `json:"runs"`
		} `json:"machines"`
		Rejected []struct{ File, Reason string } `json:"rejected"`
	}
	if code != ExitOK || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("class --json: exit %d\n%s\n%s", code, out, errOut)
	}
	if len(got.Machines) != 3 || len(got.Rejected) != 1 || got.Rejected[0].File != "broken.json" {
		t.Fatalf("class: %+v", got)
	}
	if st, err := os.Stat(filepath.Join(dir, "class.html")); err != nil || st.Size() < 1000 {
		if !strings.Contains(errOut, "make setup") {
			t.Errorf("no report: %v (%s)", err, errOut)
		}
	}
	code, out, _ = run(t, "class", room)
	if code != ExitOK || !strings.Contains(out, "3 machines") || !strings.Contains(out, "left out broken.json") || !strings.Contains(out, "Can run Llama-3.1-8B Q4_K_M") {
		t.Fatalf("class text: exit %d\n%s", code, out)
	}
	if code, _, errOut := run(t, "class", filepath.Join(dir, "gone")); code != ExitFail || !strings.Contains(errOut, "USB stick") {
		t.Fatalf("missing folder: exit %d %q", code, errOut)
	}
}
