package assets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// EnvRuntimeDir names a runtime folder for a binary that has none of its own.
const EnvRuntimeDir = "SLMSCOPE_RUNTIME_DIR"

// SystemDir is where the Debian package installs the runtime.
const SystemDir = "/usr/lib/slmscope"

// PortableDir is the runtime folder's name beside the binary in the portable folder.
const PortableDir = "runtime"

// SourceDir is the runtime folder's name in the source tree, where `make setup` puts it.
const SourceDir = ".runtime"

// ErrNotSetUp says no runtime folder was found; the full error lists every place looked in.
var ErrNotSetUp = errors.New("slmscope's runtime files (llama.cpp, tokenizers, echarts, fonts) were not found")

// Kind says which of the places in the search order a runtime folder came from.
type Kind int

// The places RuntimeDir looks, in order.
const (
	KindPortable Kind = iota // <exe dir>/runtime
	KindSystem               // /usr/lib/slmscope
	KindEnv                  // $SLMSCOPE_RUNTIME_DIR
	KindSource               // .runtime above the binary or the working directory
)

// Runtime is a located runtime folder.
type Runtime struct {
	Dir  string
	Kind Kind
}

// Fix says, for an incomplete runtime folder, how the user gets the missing files back.
func (r Runtime) Fix() string {
	switch r.Kind {
	case KindPortable:
		return "unpack the slmscope folder again"
	case KindSystem:
		return "reinstall the slmscope package (apt-get install --reinstall slmscope)"
	}
	return "run `make setup` in the slmscope source folder"
}

// Locations are the inputs of the runtime search; tests build their own.
type Locations struct {
	ExeDir  string // folder of the running binary, symlinks resolved ("" if unknown)
	System  string // package install folder ("" where there is none)
	Env     string // value of SLMSCOPE_RUNTIME_DIR ("" if unset)
	WorkDir string // working directory ("" if unknown)
}

// DefaultLocations reads the running process: its executable, the environment and the working
// directory. The package folder is used on Linux only.
func DefaultLocations() Locations {
	l := Locations{Env: os.Getenv(EnvRuntimeDir)}
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		l.ExeDir = filepath.Dir(exe)
	}
	if runtime.GOOS == "linux" {
		l.System = SystemDir
	}
	if wd, err := os.Getwd(); err == nil {
		l.WorkDir = wd
	}
	return l
}

// locations is what RuntimeDir searches; assets' own tests replace it.
var locations = DefaultLocations

// Find returns the first runtime folder in search order: beside the binary (portable folder),
// the package folder, $SLMSCOPE_RUNTIME_DIR, then the source tree's .runtime found walking up
// from the binary's folder and then from the working directory. A folder counts when it holds
// llama/, vocab/, echarts/ or fonts/. When none does, the error wraps ErrNotSetUp and names each place.
func (l Locations) Find() (Runtime, error) {
	var looked []string
	if l.ExeDir != "" {
		d := filepath.Join(l.ExeDir, PortableDir)
		if isRuntime(d) {
			return Runtime{d, KindPortable}, nil
		}
		looked = append(looked, d+" (beside the binary)")
	}
	if l.System != "" {
		if isRuntime(l.System) {
			return Runtime{l.System, KindSystem}, nil
		}
		looked = append(looked, l.System+" (the slmscope package)")
	}
	if l.Env != "" {
		st, err := os.Stat(l.Env)
		if err != nil || !st.IsDir() {
			return Runtime{}, fmt.Errorf("%s=%s is not a folder", EnvRuntimeDir, l.Env)
		}
		return Runtime{l.Env, KindEnv}, nil
	}
	looked = append(looked, "$"+EnvRuntimeDir+" (not set)")
	for _, start := range []string{l.ExeDir, l.WorkDir} {
		if start == "" {
			continue
		}
		if d, ok := findUp(start, SourceDir); ok {
			return Runtime{d, KindSource}, nil
		}
		looked = append(looked, filepath.Join(start, SourceDir)+" and above (source tree)")
	}
	return Runtime{}, fmt.Errorf("%w; looked in %s. Unpack the portable folder with its runtime/, install the slmscope package, set %s, or run `make setup` in the source folder",
		ErrNotSetUp, strings.Join(looked, ", "), EnvRuntimeDir)
}

// findUp returns the first dir/name that is a runtime folder, walking up from start.
func findUp(start, name string) (string, bool) {
	for dir := filepath.Clean(start); ; dir = filepath.Dir(dir) {
		if d := filepath.Join(dir, name); isRuntime(d) {
			return d, true
		}
		if filepath.Dir(dir) == dir {
			return "", false
		}
	}
}

// isRuntime reports whether d is a folder holding at least one of the runtime's parts.
func isRuntime(d string) bool {
	for _, sub := range []string{"llama", "vocab", "echarts", "fonts"} {
		if st, err := os.Stat(filepath.Join(d, sub)); err == nil && st.IsDir() {
			return true
		}
	}
	return false
}

// FindRuntime locates the runtime folder of this process (see Locations.Find).
func FindRuntime() (Runtime, error) {
	return locations().Find()
}

// RuntimeDir returns the runtime folder's path (see Locations.Find for the search order).
func RuntimeDir() (string, error) {
	r, err := FindRuntime()
	return r.Dir, err
}
