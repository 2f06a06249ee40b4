package localmodels

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Environment variables that change where models are looked for.
const (
	// EnvModelDirs lists extra folders to scan, separated by os.PathListSeparator.
	EnvModelDirs = "SLMSCOPE_MODEL_DIRS"
	// EnvModelsDir replaces slmscope's own downloads folder.
	EnvModelsDir = "SLMSCOPE_MODELS_DIR"
)

// Env is everything the store locations depend on. Tests point Home and Root at fixture
// trees and give Getenv a map.
type Env struct {
	Home   string              // the user's home folder
	Getenv func(string) string // environment lookup; nil means os.Getenv
	GOOS   string              // "linux", "darwin", "windows", ...; "" means runtime.GOOS
	Root   string              // prefix for system-wide paths such as /usr/share/ollama; "" means none
}

// SystemEnv is the running user's environment.
func SystemEnv() Env {
	home, _ := os.UserHomeDir()
	return Env{Home: home, Getenv: os.Getenv, GOOS: runtime.GOOS}
}

func (e Env) withDefaults() Env {
	if e.Getenv == nil {
		e.Getenv = os.Getenv
	}
	if e.GOOS == "" {
		e.GOOS = runtime.GOOS
	}
	return e
}

func (e Env) get(key string) string { return strings.TrimSpace(e.withDefaults().Getenv(key)) }

// home joins elements under the home folder; it returns "" when the home folder is unknown.
func (e Env) home(elem ...string) string {
	if e.Home == "" {
		return ""
	}
	return filepath.Join(append([]string{e.Home}, elem...)...)
}

// system returns an absolute system path under Root.
func (e Env) system(p string) string {
	if e.Root == "" {
		return p
	}
	return filepath.Join(e.Root, p)
}

// userDirRule is how os.UserCacheDir or os.UserConfigDir finds its folder: on Windows an
// environment variable, else a folder under the home; on macOS a folder under the home;
// elsewhere an absolute $XDG_... variable, else a folder under the home.
type userDirRule struct {
	windowsVar  string
	windowsHome []string
	darwinHome  []string
	xdgVar      string
	xdgHome     string
}

var (
	cacheDirRule = userDirRule{
		windowsVar: "LocalAppData", windowsHome: []string{"AppData", "Local"},
		darwinHome: []string{"Library", "Caches"},
		xdgVar:     "XDG_CACHE_HOME", xdgHome: ".cache",
	}
	configDirRule = userDirRule{
		windowsVar: "AppData", windowsHome: []string{"AppData", "Roaming"},
		darwinHome: []string{"Library", "Application Support"},
		xdgVar:     "XDG_CONFIG_HOME", xdgHome: ".config",
	}
)

// userDir applies r to the Env.
func (e Env) userDir(r userDirRule) string {
	switch e.withDefaults().GOOS {
	case "windows":
		if d := e.get(r.windowsVar); d != "" {
			return d
		}
		return e.home(r.windowsHome...)
	case "darwin", "ios":
		return e.home(r.darwinHome...)
	}
	if d := e.get(r.xdgVar); d != "" && filepath.IsAbs(d) {
		return d
	}
	return e.home(r.xdgHome)
}

// cacheDir is os.UserCacheDir computed from the Env.
func (e Env) cacheDir() string { return e.userDir(cacheDirRule) }

// configDir is os.UserConfigDir computed from the Env.
func (e Env) configDir() string { return e.userDir(configDirRule) }

// ModelsDir is slmscope's own downloads folder: $SLMSCOPE_MODELS_DIR, else
// <user config dir>/slmscope/models (~/.config/slmscope/models on Linux,
// ~/Library/Application Support/slmscope/models on macOS, %AppData%\slmscope\models on
// Windows), beside the progress file. It returns "" when no folder can be worked out.
func (e Env) ModelsDir() string {
	if d := e.get(EnvModelsDir); d != "" {
		return d
	}
	if d := e.configDir(); d != "" {
		return filepath.Join(d, "slmscope", "models")
	}
	return ""
}

// ModelsDir is the running user's slmscope downloads folder (see Env.ModelsDir).
func ModelsDir() string { return SystemEnv().ModelsDir() }

// ollamaDirs: $OLLAMA_MODELS, else ~/.ollama/models, plus the Linux service's store.
func (e Env) ollamaDirs() []string {
	var dirs []string
	if d := e.get("OLLAMA_MODELS"); d != "" {
		dirs = append(dirs, d)
	} else {
		dirs = append(dirs, e.home(".ollama", "models"))
	}
	if e.withDefaults().GOOS == "linux" {
		dirs = append(dirs, e.system("/usr/share/ollama/.ollama/models"))
	}
	return dirs
}

// hfDirs: $HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else
// ~/.cache/huggingface/hub (and ~/Library/Caches/huggingface/hub on macOS).
func (e Env) hfDirs() []string {
	if d := e.get("HF_HUB_CACHE"); d != "" {
		return []string{d}
	}
	if d := e.get("HF_HOME"); d != "" {
		return []string{filepath.Join(d, "hub")}
	}
	if d := e.get("XDG_CACHE_HOME"); d != "" {
		return []string{filepath.Join(d, "huggingface", "hub")}
	}
	dirs := []string{e.home(".cache", "huggingface", "hub")}
	if e.withDefaults().GOOS == "darwin" {
		dirs = append(dirs, e.home("Library", "Caches", "huggingface", "hub"))
	}
	return dirs
}

// lmstudioDirs: the models folder of the LM Studio home named in ~/.lmstudio-home-pointer,
// else ~/.lmstudio/models, plus the pre-0.3 ~/.cache/lm-studio/models.
func (e Env) lmstudioDirs() []string {
	home := e.home(".lmstudio")
	if p := e.home(".lmstudio-home-pointer"); p != "" {
		if b, err := readSmallFile(p, 4096); err == nil {
			if s := strings.TrimSpace(string(b)); s != "" {
				home = s
			}
		}
	}
	var dirs []string
	if home != "" {
		dirs = append(dirs, filepath.Join(home, "models"))
	}
	return append(dirs, e.home(".cache", "lm-studio", "models"))
}

// llamaCacheDirs: $LLAMA_CACHE, else <user cache dir>/llama.cpp as llama.cpp's
// fs_get_cache_directory picks it.
func (e Env) llamaCacheDirs() []string {
	if d := e.get("LLAMA_CACHE"); d != "" {
		return []string{d}
	}
	if d := e.cacheDir(); d != "" {
		return []string{filepath.Join(d, "llama.cpp")}
	}
	return nil
}

// userDirs: SLMSCOPE_MODEL_DIRS followed by extra.
func (e Env) userDirs(extra []string) []string {
	var dirs []string
	for _, d := range filepath.SplitList(e.get(EnvModelDirs)) {
		if d = strings.TrimSpace(d); d != "" {
			dirs = append(dirs, d)
		}
	}
	return append(dirs, extra...)
}

// readSmallFile reads a regular file of at most limit bytes; anything else is an error, so
// a named pipe or a huge file cannot stall a scan.
func readSmallFile(path string, limit int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &notRegularError{path: path, mode: fi.Mode()}
	}
	if fi.Size() > limit {
		return nil, &tooBigError{path: path, size: fi.Size(), limit: limit}
	}
	return os.ReadFile(path)
}
