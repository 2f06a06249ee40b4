package class

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/engine/results"
	"slmscope/engine/results/resultstest"
	"slmscope/internal/safefile"
)

var saved = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// signRaw signs results as they are, skipping Encode's checks: what a modified slmscope could
// hand in.
func signRaw(t *testing.T, r results.Results, key ed25519.PrivateKey) []byte {
	t.Helper()
	r.PublicKey = base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	payload, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	sig := ed25519.Sign(key, append([]byte(results.Format+"\n"), payload...))
	return []byte(fmt.Sprintf(`{"format":%q,"schema":%d,"public_key":%q,"signature":%q,"results":%s}`,
		results.Format, r.Schema, r.PublicKey, base64.StdEncoding.EncodeToString(sig), payload))
}

func write(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLoadMergesAndRejects: five machines, one saved twice (the newest counts), and every
// kind of bad file listed with its reason while nothing else is lost.
func TestLoadMergesAndRejects(t *testing.T) {
	dir := t.TempDir()
	if err := resultstest.Folder(dir, 5, saved); err != nil {
		t.Fatal(err)
	}
	// desk 3 saved on Monday and again on Tuesday, with its installation's one key
	_ = os.Remove(filepath.Join(dir, "desk-3.json"))
	key3 := resultstest.Key()
	old := resultstest.Machine(2, saved.Add(-24*time.Hour))
	if err := resultstest.Write(dir, "desk-3-monday.json", old, key3); err != nil {
		t.Fatal(err)
	}
	if err := resultstest.Write(dir, "desk-3-tuesday.json", resultstest.Machine(2, saved), key3); err != nil {
		t.Fatal(err)
	}
	good, _ := results.Encode(resultstest.Machine(6, saved), resultstest.Key())
	other := resultstest.Key()
	var env map[string]json.RawMessage
	_ = json.Unmarshal(bytes.Replace(good, []byte(`"gen_tps": 70`), []byte(`"gen_tps": 700`), 1), &env)
	var compact bytes.Buffer
	_ = json.Compact(&compact, env["results"])
	env["signature"], _ = json.Marshal(base64.StdEncoding.EncodeToString(ed25519.Sign(other, append([]byte(results.Format+"\n"), compact.Bytes()...))))
	resigned, _ := json.Marshal(env)
	neg := resultstest.Machine(7, saved)
	neg.Runs[0].GenTPS = -3
	trav := resultstest.Machine(8, saved)
	trav.Label = "../../../etc/passwd"
	future := resultstest.Machine(9, saved)
	future.Schema = 2

	write(t, dir, "empty.json", nil)
	write(t, dir, "truncated.json", good[:len(good)/3])
	write(t, dir, "notjson.json", []byte("these are my results!"))
	write(t, dir, "huge.json", append([]byte(`{"format":"slmscope-results","pad":"`), bytes.Repeat([]byte("x"), 50<<20)...))
	write(t, dir, "resigned.json", resigned)
	write(t, dir, "negative.json", signRaw(t, neg, resultstest.Key()))
	write(t, dir, "traversal.json", signRaw(t, trav, resultstest.Key()))
	write(t, dir, "future.json", signRaw(t, future, resultstest.Key()))
	write(t, dir, "notes.txt", []byte("not a result file"))
	if err := safefile.MakeFIFO(filepath.Join(dir, "pipe.json")); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		t.Fatal(err)
	}

	start := time.Now()
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	// A guard against a hang (the FIFO among the files must not block the read), not a speed
	// goal: a minute is far beyond what the slowest machine needs.
	if d := time.Since(start); d > time.Minute {
		t.Errorf("Load took %v", d)
	}
	if len(c.Machines) != 5 {
		var names []string
		for _, m := range c.Machines {
			names = append(names, m.Label+" from "+m.File)
		}
		t.Fatalf("%d machines, want 5: %v", len(c.Machines), names)
	}
	if len(c.Superseded) != 1 || c.Superseded[0].File != "desk-3-monday.json" {
		t.Errorf("superseded %+v", c.Superseded)
	}
	for _, m := range c.Machines {
		if m.Label == "Desk 3" && m.File != "desk-3-tuesday.json" {
			t.Errorf("desk 3 counted from %s, want the newest", m.File)
		}
	}
	want := map[string]string{"empty.json": "empty", "truncated.json": "cut short", "notjson.json": "not JSON", "huge.json": "more than",
		"resigned.json": "signature does not match", "negative.json": "gen_tps is -3", "traversal.json": "looks like a path", "future.json": "newer slmscope"}
	if _, err := os.Stat(filepath.Join(dir, "pipe.json")); err == nil {
		want["pipe.json"] = "named pipe"
	}
	got := map[string]string{}
	for _, r := range c.Rejected {
		got[r.File] = r.Reason
	}
	for f, w := range want {
		if !strings.Contains(got[f], w) {
			t.Errorf("%s: reason %q, want %q", f, got[f], w)
		}
	}
	if len(c.Rejected) != len(want) || c.Ignored != 1 {
		t.Errorf("rejected %+v, ignored %d", c.Rejected, c.Ignored)
	}
	if strings.Contains(fmt.Sprint(c.Rejected), dir) {
		t.Error("reasons repeat the folder's path")
	}

	// what the class adds up
	if len(c.CanRun) != 3 || c.CanRun[0].Of != 5 {
		t.Fatalf("can run %+v", c.CanRun)
	}
	if c.CanRun[0].Machines < 2 || c.CanRun[2].Machines > c.CanRun[0].Machines {
		t.Errorf("can run %+v: the 8B should fit on the 16 GB+ machines, the 70B on fewer", c.CanRun)
	}
	if c.Predictions.N != 5 || c.Predictions.InBand != 5 {
		t.Errorf("class predictions %+v", c.Predictions)
	}
	if c.Median == nil || c.Median.Label != "Desk 3" || c.Median.BandwidthGBs != 30 {
		t.Errorf("median %+v", c.Median)
	}
	if c.Speed == nil || len(c.Speed.Points) != 5 || c.Speed.ReadPerTokenBytes <= 0 {
		t.Errorf("speed model %+v", c.Speed)
	}
	for _, p := range c.Speed.Points {
		if p.GenTPS > c.Speed.Ceiling(p.BandwidthGBs) {
			t.Errorf("%s is above the ceiling: %v > %v", p.Label, p.GenTPS, c.Speed.Ceiling(p.BandwidthGBs))
		}
	}
	if len(c.RPC) == 0 || c.RPC[len(c.RPC)-1].Label != RPCLabel {
		t.Fatalf("rpc %+v", c.RPC)
	}
	for _, p := range c.RPC {
		if p.Machines > 0 && p.TrafficPerTokenBytes != int64(p.Hidden)*4*int64(p.Machines-1) {
			t.Errorf("%s traffic %d", p.Model, p.TrafficPerTokenBytes)
		}
	}
	data, _ := json.Marshal(c)
	for _, k := range []string{`"machines":[{"label":`, `"cpu":`, `"ram_bytes":`, `"bandwidth_gbs":`, `"runs":[{`, `"rejected":[{"file":`} {
		if !bytes.Contains(data, []byte(k)) {
			t.Errorf("JSON lacks %s", k)
		}
	}
}

func TestLoadThousandFiles(t *testing.T) {
	dir := t.TempDir()
	r := resultstest.Machine(0, saved)
	data, _ := results.Encode(r, resultstest.Key())
	for i := 0; i < 1000; i++ {
		write(t, dir, fmt.Sprintf("copy-%04d.json", i), data)
	}
	start := time.Now()
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Machines) != 1 || len(c.Superseded) != 999 || len(c.Rejected) != 0 {
		t.Fatalf("machines %d superseded %d rejected %d", len(c.Machines), len(c.Superseded), len(c.Rejected))
	}
	t.Logf("1000 files in %v", time.Since(start))
}

func TestFolderGone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "usb")
	_, err := Load(dir)
	var gone *FolderGoneError
	if !errors.As(err, &gone) || !strings.Contains(err.Error(), "USB stick") {
		t.Fatalf("missing folder: %v", err)
	}
	if _, err := Fingerprint(dir); !errors.As(err, &gone) {
		t.Fatalf("fingerprint of a missing folder: %v", err)
	}
}
