package assets

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestPinsAreComplete(t *testing.T) {
	keys := map[string]bool{}
	for _, p := range Pins() {
		keys[p.Key] = true
		if !strings.HasPrefix(p.Integrity, "sha512-") || len(p.Integrity) != len("sha512-")+88 {
			t.Errorf("%s: integrity %q is not an npm sha512", p.Key, p.Integrity)
		}
		if !strings.Contains(p.Spec, "@") {
			t.Errorf("%s: spec %q has no version", p.Key, p.Spec)
		}
	}
	for _, want := range []string{"runtime-linux-x64", "source", "echarts"} {
		if !keys[want] {
			t.Errorf("no pin for %s", want)
		}
	}
}

func TestRuntimeDirFromEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvRuntimeDir, dir)
	got, err := RuntimeDir()
	if err != nil || got != dir {
		t.Fatalf("RuntimeDir() = %q, %v", got, err)
	}
	t.Setenv(EnvRuntimeDir, filepath.Join(dir, "missing"))
	if _, err := RuntimeDir(); err == nil || !strings.Contains(err.Error(), EnvRuntimeDir) {
		t.Errorf("missing folder: err = %v", err)
	}
}

func TestLlamaDirSaysWhatIsMissing(t *testing.T) {
	t.Setenv(EnvLlamaDir, filepath.Join(t.TempDir(), "nope"))
	_, err := LlamaDir()
	if err == nil || !strings.Contains(err.Error(), EnvLlamaDir) || !strings.Contains(err.Error(), "v"+LlamaVersion) {
		t.Errorf("err = %v", err)
	}
	// A runtime folder without the platform's libraries says to run make setup.
	t.Setenv(EnvLlamaDir, "")
	rt := t.TempDir()
	t.Setenv(EnvRuntimeDir, rt)
	if _, err := LlamaDir(); err == nil || !strings.Contains(err.Error(), "make setup") {
		t.Errorf("empty runtime: err = %v", err)
	}
	if _, err := VocabFile("starcoder"); err == nil || !strings.Contains(err.Error(), "make setup") {
		t.Errorf("missing vocab: err = %v", err)
	}
	if _, err := EChartsJS(); err == nil || !strings.Contains(err.Error(), "make setup") {
		t.Errorf("missing echarts: err = %v", err)
	}
}
