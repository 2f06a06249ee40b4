package results

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/engine/estimate"
	"slmscope/engine/ident"
	"slmscope/engine/runs"
	"slmscope/hwprobe"
	"slmscope/internal/interference"
	"slmscope/internal/predict"
)

// Sample is a machine's results for tests.
func sample(t *testing.T) Results {
	t.Helper()
	rep := &hwprobe.Report{OS: "linux", Arch: "amd64", Kernel: "6.1.0-host", CPU: hwprobe.CPU{Model: "Test CPU 9000", PhysicalCores: 4, LogicalCores: 8},
		RAM: hwprobe.RAM{TotalBytes: 16e9}, Bandwidth: hwprobe.Bandwidth{ReadGBps: 20}}
	m := estimate.MachineFromReport(rep)
	key := estimate.HardwareKey(rep)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	rs := []runs.Run{
		{When: at, Origin: runs.OriginLive, Key: ident.Twin("smollm2-135m", "Q8_0"), Label: "SmolLM2-135M Q8_0", Quant: "Q8_0", Twin: true, Machine: key, GenTPS: 60, PromptTPS: 500, TTFTMs: 300, PeakRSSBytes: 2e8, Guess: 30,
			Interference: &interference.Report{Measured: true, Cores: 2, OtherCPUCores: 0.93, Disturbed: true, Why: "other programs used 0.93 of 2 cores during the run"}},
		{When: at.Add(time.Minute), Origin: runs.OriginLive, Key: ident.File("/home/alice/models/secret.gguf"), Label: "/home/alice/models/secret.gguf", File: "/home/alice/models/secret.gguf", Quant: "Q4_K_M", Machine: key, GenTPS: 10, TTFTMs: 900},
		{When: at, Origin: runs.OriginBench, Key: ident.Twin("smollm2-135m", "Q8_0"), Machine: "other|machine", GenTPS: 99, TTFTMs: 1},
	}
	cal := estimate.Calibration{Key: key, Machine: m, Notes: []string{"wrote /home/alice/.cache/twin.gguf"},
		Measurements: []estimate.Measurement{{ModelID: "/home/alice/x.gguf", Quant: "Q8_0", GenTPS: 50, PromptTPS: 400, TTFTMs: 300}}}
	r, err := Build(Input{Hardware: rep, Machine: m, Key: key, Calibration: cal, Runs: rs, Label: "Table 3",
		Predictions: []predict.Prediction{{At: at, Guess: 30, MeasuredTPS: 60}}, Now: at})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	k, err := LoadOrCreateKey(filepath.Join(t.TempDir(), "key"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestBuildIsAnonymised(t *testing.T) {
	r := sample(t)
	data, err := Encode(r, newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"alice", "/home", "6.1.0-host"} {
		if bytes.Contains(data, []byte(bad)) {
			t.Errorf("the file contains %q", bad)
		}
	}
	if len(r.Runs) != 2 || r.Runs[1].Key != "file:secret.gguf" || r.Runs[1].Label != "secret.gguf" {
		t.Errorf("runs %+v", r.Runs)
	}
}

func TestSignatureRoundTripAndTamper(t *testing.T) {
	key := newKey(t)
	r := sample(t)
	data, err := Encode(r, key)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(data)
	if err != nil {
		t.Fatalf("round trip: %v", err)
	}
	if back.Identity() != func() Results { r.PublicKey = back.PublicKey; return r }().Identity() || back.Runs[0].GenTPS != 60 || back.Label != "Table 3" {
		t.Fatalf("round trip changed the results: %+v", back)
	}
	if f := back.Runs[0].Interference; f == nil || !f.Disturbed || f.OtherCPUCores != 0.93 || !bytes.Contains(data, []byte(`"other_cpu_cores": 0.93`)) {
		t.Errorf("the run's interference did not survive the file: %+v", f)
	}
	// one number edited
	edited := bytes.Replace(data, []byte(`"gen_tps": 60`), []byte(`"gen_tps": 90`), 1)
	if bytes.Equal(edited, data) {
		t.Fatal("test did not edit the file")
	}
	if _, err := Decode(edited); !errors.Is(err, ErrTampered) {
		t.Fatalf("an edited file: %v", err)
	}
	// edited, then signed by another key that claims to be the first
	var env envelope
	_ = json.Unmarshal(edited, &env)
	var compact bytes.Buffer // json.Marshal compacts a RawMessage: sign what will be written
	_ = json.Compact(&compact, env.Results)
	env.Results = compact.Bytes()
	other := newKey(t)
	env.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(other, signed(env.Results)))
	resigned, _ := json.Marshal(env)
	if _, err := Decode(resigned); !errors.Is(err, ErrTampered) {
		t.Fatalf("re-signed by another key: %v", err)
	}
	// the other key's public key put in the envelope only
	env.PublicKey = base64.StdEncoding.EncodeToString(other.Public().(ed25519.PublicKey))
	mixed, _ := json.Marshal(env)
	if _, err := Decode(mixed); err == nil || !strings.Contains(err.Error(), "two files") {
		t.Fatalf("mixed keys: %v", err)
	}
}

func TestDecodeRefuses(t *testing.T) {
	key := newKey(t)
	good, _ := Encode(sample(t), key)
	future := bytes.Replace(good, []byte(`"schema":1`), []byte(`"schema":7`), 1)
	neg := sample(t)
	neg.Runs[0].GenTPS = -5
	label := sample(t)
	label.Label = "../../etc/passwd"
	cases := map[string]struct {
		data []byte
		want string
	}{
		"empty":     {nil, "empty"},
		"truncated": {good[:len(good)/2], "cut short"},
		"not JSON":  {[]byte("hello"), "not JSON"},
		"too big":   {bytes.Repeat([]byte(" "), MaxFileBytes+1), "more than"},
		"future":    {future, "newer slmscope"},
		"other":     {[]byte(`{"format":"something"}`), "not a slmscope result file"},
	}
	for name, c := range cases {
		if _, err := Decode(c.data); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	if _, err := Encode(neg, key); err == nil || !strings.Contains(err.Error(), "gen_tps is -5") {
		t.Errorf("negative speed: %v", err)
	}
	if _, err := Encode(label, key); err == nil || !strings.Contains(err.Error(), "looks like a path") {
		t.Errorf("path label: %v", err)
	}
	if _, err := Build(Input{Label: "a/b"}); err == nil {
		t.Error("Build took a path as label")
	}
}

func TestKeyCreatedOnceWith0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cfg", "results-key")
	a, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadOrCreateKey(path)
	if err != nil || !a.Equal(b) {
		t.Fatalf("second load: %v, same %v", err, a.Equal(b))
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("key mode %v", st.Mode().Perm())
	}
	_ = os.WriteFile(path, []byte("junk"), 0o600)
	if _, err := LoadOrCreateKey(path); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("damaged key: %v", err)
	}
}
