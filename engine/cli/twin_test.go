package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"slmscope/engine/catalog"
	"slmscope/engine/twin"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = Run(args, &o, &e)
	return code, o.String(), e.String()
}

// cliCase is one command line and what it must give: the exit code, and text that stdout and
// stderr must contain.
type cliCase struct {
	name   string
	args   []string
	code   int
	stdout string
	stderr string
}

// check runs tc's command line, reports an exit code or output that differs from tc, and
// returns them for further checks.
func (tc cliCase) check(t *testing.T) (code int, stdout, stderr string) {
	t.Helper()
	code, stdout, stderr = run(t, tc.args...)
	if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
		t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q",
			tc.name, code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
	}
	return code, stdout, stderr
}

func TestModelsCommand(t *testing.T) {
	code, out, errOut := run(t, "models")
	if code != ExitOK || errOut != "" {
		t.Fatalf("models: exit %d, stderr %q", code, errOut)
	}
	for _, m := range catalog.All() {
		if !strings.Contains(out, m.ID) {
			t.Errorf("table lacks %s", m.ID)
		}
	}
	for _, want := range []string{"135M", "1.71B", "14.7B", "405B", "9/3", "starcoder (49152)", "v0.1", "(4/32 experts)", "generated (201088)"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q", want)
		}
	}

	code, out, _ = run(t, "models", "--json")
	if code != ExitOK {
		t.Fatalf("models --json: exit %d", code)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(catalog.All()) {
		t.Fatalf("%d entries, want %d", len(got), len(catalog.All()))
	}
	first := got[0]
	for _, k := range []string{"id", "name", "params", "param_count", "source", "arch", "layers", "hidden", "heads", "kv_heads", "head_dim", "ffn", "vocab", "context", "tied_embeddings", "qkv_bias", "rope_theta", "norm_eps", "tokenizer"} {
		if _, ok := first[k]; !ok {
			t.Errorf("JSON entry lacks %q", k)
		}
	}
	if first["id"] != "smollm2-135m" || first["param_count"] != float64(134515008) {
		t.Errorf("first entry: %v %v", first["id"], first["param_count"])
	}
	// Every entry has its total, active parameters and source; an MoE reads a fraction.
	byID := map[string]map[string]any{}
	for _, e := range got {
		byID[e["id"].(string)] = e
		for _, k := range []string{"param_count", "active_param_count", "source"} {
			if _, ok := e[k]; !ok {
				t.Errorf("%v lacks %q", e["id"], k)
			}
		}
	}
	oss := byID["gpt-oss-20b"]
	if oss == nil || oss["experts"] != float64(32) || oss["active_experts"] != float64(4) ||
		oss["active_param_count"].(float64) > 3.7e9 || oss["param_count"].(float64) < 20.8e9 || oss["active_params"] != float64(3_610_000_000) {
		t.Errorf("gpt-oss-20b entry: %v", oss)
	}
}

func TestTwinCommands(t *testing.T) {
	t.Setenv(twin.EnvDir, t.TempDir())
	t.Setenv(twin.EnvCap, "1GiB")
	outFile := filepath.Join(t.TempDir(), "tiny.gguf")
	size, err := twin.Size(catalog.Tiny, twin.Q4_0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []cliCase{
		{"no model", []string{"twin"}, ExitUsage, "", "--model is required"},
		{"bad flag", []string{"twin", "--nope"}, ExitUsage, "", "flag provided but not defined"},
		{"bad quant", []string{"twin", "--model", "tiny", "--quant", "q5_k"}, ExitUsage, "", "unknown quantization"},
		{"extra arg", []string{"twin", "--model", "tiny", "extra"}, ExitUsage, "", "unexpected argument"},
		{"unknown model", []string{"twin", "--model", "gpt-9"}, ExitFail, "", "slmscope models"},
		{"bad out folder", []string{"twin", "--model", "tiny", "--out", filepath.Join(t.TempDir(), "no", "x.gguf")}, ExitFail, "", "cannot write"},
		{"write file", []string{"twin", "--model", "tiny", "--quant", "q4_0", "--out", outFile}, ExitOK, outFile, ""},
		{"empty cache", []string{"twins"}, ExitOK, "no twins cached yet", ""},
		{"into cache", []string{"twin", "--model", "tiny", "--quant", "Q8_0"}, ExitOK, "tiny.q8_0.twin", ""},
		{"list", []string{"twins"}, ExitOK, "Q8_0", ""},
		{"twins extra arg", []string{"twins", "x"}, ExitUsage, "", "unexpected argument"},
		{"twins two steps at once", []string{"twins", "--clear", "--export", "x"}, ExitUsage, "", "separate steps"},
		{"kit import of a folder with no twins", []string{"twins", "--import", "."}, ExitOK, "0 twins imported", ""},
		{"clear", []string{"twins", "--clear"}, ExitOK, "cleared 1 twin (", ""},
		{"cleared", []string{"twins"}, ExitOK, "no twins cached yet", ""},
	}
	for _, tc := range tests {
		code, _, errOut := tc.check(t)
		if code == ExitFail && strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%s: a failure must be one line on stderr, got %q", tc.name, errOut)
		}
	}
	if st, err := os.Stat(outFile); err != nil || st.Size() != size {
		t.Errorf("--out file: %v, size want %d", err, size)
	}
}

func TestTwinsJSON(t *testing.T) {
	t.Setenv(twin.EnvDir, t.TempDir())
	t.Setenv(twin.EnvCap, "")
	if code, _, errOut := run(t, "twin", "--model", "tiny", "--quant", "q4_0"); code != ExitOK {
		t.Fatalf("twin: exit %d: %s", code, errOut)
	}
	code, out, _ := run(t, "twins", "--json")
	if code != ExitOK {
		t.Fatalf("twins --json: exit %d", code)
	}
	var got struct {
		Dir       string `json:"dir"`
		CapBytes  int64  `json:"cap_bytes"`
		UsedBytes int64  `json:"used_bytes"`
		Twins     []struct {
			ID      string `json:"id"`
			Quant   string `json:"quant"`
			Bytes   int64  `json:"bytes"`
			Current bool   `json:"current"`
		} `json:"twins"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	size, _ := twin.Size(catalog.Tiny, twin.Q4_0)
	if len(got.Twins) != 1 || got.Twins[0].ID != "tiny" || got.Twins[0].Quant != "Q4_0" || got.Twins[0].Bytes != size ||
		!got.Twins[0].Current || got.UsedBytes != size || got.CapBytes != twin.DefaultCap {
		t.Errorf("twins --json = %+v", got)
	}
}

func TestTwinRefusedByCap(t *testing.T) {
	t.Setenv(twin.EnvDir, t.TempDir())
	t.Setenv(twin.EnvCap, "1MB")
	code, _, errOut := run(t, "twin", "--model", "tiny", "--quant", "f16")
	if code != ExitFail || !strings.Contains(errOut, "more than the twin cache cap of 1.00 MB") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	t.Setenv(twin.EnvCap, "lots")
	if code, _, errOut := run(t, "twins"); code != ExitFail || !strings.Contains(errOut, twin.EnvCap) {
		t.Errorf("bad cap: exit %d, stderr %q", code, errOut)
	}
}
