// Package localmodels finds the GGUF models already on this machine: in Ollama's store, the
// Hugging Face hub cache, LM Studio's models folder, llama.cpp's download cache, slmscope's
// own downloads folder and any folders the user names.
//
// Every file is checked by slmscope's GGUF reader (headers only) before it is listed; a
// broken, partial or unreadable file is listed with its problem in words and never handed to
// llama.cpp. Split models (-00001-of-0000N.gguf) are one entry. The same file reached twice
// (a symlink, a hard link, two Ollama tags for one blob) is listed once. Nothing is ever
// written into those stores, and non-regular files (named pipes, devices) are refused before
// they are opened, so a scan cannot hang.
//
// All paths come from an Env (home folder, environment, OS and a root for system-wide
// paths), so tests build fixture trees in a temporary folder, gopsutil's HOST_PROC-style.
package localmodels

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"
)

// Source says which program's store a model was found in.
type Source string

// The stores Scan looks in.
const (
	Ollama      Source = "ollama"
	HuggingFace Source = "huggingface"
	LMStudio    Source = "lmstudio"
	LlamaCpp    Source = "llama.cpp"
	Slmscope    Source = "slmscope" // models downloaded by slmscope itself
	Folder      Source = "folder"   // a folder the user added
)

// sourceRank orders sources in the listing and decides which copy of a duplicate is kept.
var sourceRank = map[Source]int{Ollama: 0, HuggingFace: 1, LMStudio: 2, LlamaCpp: 3, Slmscope: 4, Folder: 5}

// Model is one model found on this machine.
type Model struct {
	Name    string `json:"name"`    // as its store names it: "library/llama3.2:1b", "org/repo/file.gguf"
	Source  Source `json:"source"`  // the store it was found in
	Path    string `json:"path"`    // the file (the first part of a split model)
	Bytes   int64  `json:"bytes"`   // file size; the sum of all parts for a split model
	Arch    string `json:"arch"`    // general.architecture
	Params  uint64 `json:"params"`  // parameter count from the tensor shapes
	Quant   string `json:"quant"`   // general.file_type name ("Q4_K_M"), else the dominant tensor type
	Context uint64 `json:"context"` // <arch>.context_length
	Problem string `json:"problem"` // empty when the file is fine; otherwise what is wrong, in words

	Parts   int       `json:"parts,omitempty"`   // number of files of a split model; 0 for one file
	ModTime time.Time `json:"mtime"`             // modification time (of the first part)
	Aliases []string  `json:"aliases,omitempty"` // other "source:name"s under which the same file was found
}

// OK reports whether the model passed every check and may be handed to llama.cpp.
func (m Model) OK() bool { return m.Problem == "" }

// Key identifies the file for caches and preferences: its path, size and modification time.
// It changes when the file is replaced.
func (m Model) Key() string {
	return m.Path + "|" + strconv.FormatInt(m.Bytes, 10) + "|" + strconv.FormatInt(m.ModTime.UnixNano(), 10)
}

// Options says where to look. The zero value scans the usual stores of the running user.
type Options struct {
	// Env supplies the home folder, environment, OS and root; the zero value means SystemEnv().
	Env Env
	// Dirs are extra folders (or single .gguf files) to scan as source "folder", in addition
	// to those in SLMSCOPE_MODEL_DIRS.
	Dirs []string
	// Workers is how many files are read at once; 0 means 4.
	Workers int

	// readDir replaces os.ReadDir in tests (to inject permission errors as root).
	readDir readDirFunc
}

// Scan finds every model in the stores Options names and checks each with the GGUF reader.
// Problems with single files or folders become entries with Problem set; the only error is
// ctx's. The result is sorted by source, then name.
func Scan(ctx context.Context, opts Options) ([]Model, error) {
	s := newScanner(opts)
	for _, st := range s.stores() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		st.scan(s)
	}
	items := s.dedupe(groupSplits(s.found))
	if err := s.inspectAll(ctx, items); err != nil {
		return nil, err
	}
	models := make([]Model, len(items))
	for i, it := range items {
		models[i] = it.model
	}
	sort.SliceStable(models, func(i, j int) bool {
		a, b := models[i], models[j]
		if a.Source != b.Source {
			return sourceRank[a.Source] < sourceRank[b.Source]
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Path < b.Path
	})
	return models, nil
}

// Store is one folder Scan looks in.
type Store struct {
	Source Source `json:"source"`
	Dir    string `json:"dir"`
}

// Stores lists the folders Scan would look in, whether or not they exist, in scan order.
func Stores(opts Options) []Store {
	s := newScanner(opts)
	var out []Store
	for _, st := range s.stores() {
		out = append(out, Store{Source: st.source, Dir: st.dir})
	}
	return out
}

// problemf formats a problem sentence.
func problemf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
