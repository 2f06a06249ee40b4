package assets

import (
	"errors"
	"os"
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

// useLocations makes RuntimeDir search l for the rest of the test.
func useLocations(t *testing.T, l Locations) {
	old := locations
	locations = func() Locations { return l }
	t.Cleanup(func() { locations = old })
}

// mkRuntime makes dir a runtime folder (it holds vocab/) and returns it.
func mkRuntime(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "vocab"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLlamaDirSaysWhatIsMissing(t *testing.T) {
	t.Setenv(EnvLlamaDir, filepath.Join(t.TempDir(), "nope"))
	_, err := LlamaDir()
	if err == nil || !strings.Contains(err.Error(), EnvLlamaDir) || !strings.Contains(err.Error(), "v"+LlamaVersion) {
		t.Errorf("err = %v", err)
	}
	// A runtime folder without the platform's libraries says how to get them.
	t.Setenv(EnvLlamaDir, "")
	tests := []struct {
		kind Kind
		fix  string
	}{
		{KindSource, "make setup"},
		{KindEnv, "make setup"},
		{KindPortable, "unpack the slmscope folder again"},
		{KindSystem, "reinstall the slmscope package"},
	}
	for _, tt := range tests {
		root := t.TempDir()
		rt := mkRuntime(t, filepath.Join(root, "rt"))
		l := Locations{WorkDir: root}
		switch tt.kind {
		case KindSource:
			rt = mkRuntime(t, filepath.Join(root, SourceDir))
		case KindEnv:
			l.Env = rt
		case KindPortable:
			rt = mkRuntime(t, filepath.Join(root, PortableDir))
			l.ExeDir = root
		case KindSystem:
			l.System = rt
		}
		useLocations(t, l)
		if got, err := RuntimeDir(); err != nil || got != rt {
			t.Fatalf("kind %d: RuntimeDir() = %q, %v; want %q", tt.kind, got, err, rt)
		}
		if _, err := LlamaDir(); err == nil || !strings.Contains(err.Error(), tt.fix) {
			t.Errorf("kind %d: empty runtime: err = %v", tt.kind, err)
		}
		if _, err := VocabFile("starcoder"); err == nil || !strings.Contains(err.Error(), tt.fix) || !errors.Is(err, os.ErrNotExist) {
			t.Errorf("kind %d: missing vocab: err = %v", tt.kind, err)
		}
		if _, err := EChartsJS(); err == nil || !strings.Contains(err.Error(), tt.fix) {
			t.Errorf("kind %d: missing echarts: err = %v", tt.kind, err)
		}
	}
}

// TestRuntimeMissingOneLibrary removes one library from a copy (by symlinks) of the real runtime.
func TestRuntimeMissingOneLibrary(t *testing.T) {
	real, err := LlamaDir()
	if err != nil {
		t.Skipf("no runtime set up: %v", err)
	}
	if filepath.Base(real) != Platform() {
		t.Skipf("checks the CPU build only, not %s", real)
	}
	entries, err := os.ReadDir(real)
	if err != nil {
		t.Fatal(err)
	}
	link := func(t *testing.T, skip func(string) bool) string {
		rt := t.TempDir()
		d := filepath.Join(rt, "llama", Platform())
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !skip(e.Name()) {
				if err := os.Symlink(filepath.Join(real, e.Name()), filepath.Join(d, e.Name())); err != nil {
					t.Fatal(err)
				}
			}
		}
		useLocations(t, Locations{Env: rt})
		return d
	}
	tests := []struct {
		name string
		skip func(string) bool
		want string
	}{
		{"complete", func(string) bool { return false }, ""},
		{"no libggml-base", func(n string) bool { return n == "libggml-base.so" }, "libggml-base.so is missing (needed by"},
		{"no CPU backend", func(n string) bool { return strings.HasPrefix(n, "libggml-cpu") }, "no CPU backend"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := link(t, tt.skip)
			got, err := LlamaDir()
			if tt.want == "" {
				if err != nil || got != d {
					t.Fatalf("LlamaDir() = %q, %v; want %q", got, err, d)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), d) {
				t.Errorf("err = %v, want it to say %q and name %s", err, tt.want, d)
			}
		})
	}
}
