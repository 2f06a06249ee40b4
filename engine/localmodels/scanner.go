package localmodels

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"slmscope/internal/safefile"
)

type readDirFunc func(string) ([]os.DirEntry, error)

// maxWalkDepth bounds how deep plain folders (LM Studio, llama.cpp's cache, user folders and
// HF snapshots) are searched, so adding a large folder cannot make a scan crawl a whole disk.
const maxWalkDepth = 5

// candidate is one file (or one broken reference to a file) a store yielded.
type candidate struct {
	name     string
	source   Source
	path     string
	problem  string // known before the file is read (a broken manifest, a missing blob)
	wantSize int64  // size the store's own records promise, or 0
}

// storeKind says how a folder is laid out.
type storeKind int

const (
	kindOllama storeKind = iota
	kindHF
	kindPlain // model files anywhere below the folder
)

type store struct {
	source Source
	dir    string
	kind   storeKind
}

func (st store) scan(s *scanner) {
	switch st.kind {
	case kindOllama:
		s.scanOllama(st.dir)
	case kindHF:
		s.scanHF(st.source, st.dir)
	default:
		s.scanPlain(st.source, st.dir)
	}
}

// scanner collects candidates from the stores, then checks them.
type scanner struct {
	env     Env
	extra   []string
	workers int
	readDir readDirFunc
	found   []candidate
}

func newScanner(opts Options) *scanner {
	env := opts.Env
	if env.Home == "" && env.Getenv == nil && env.GOOS == "" && env.Root == "" {
		env = SystemEnv()
	}
	s := &scanner{env: env.withDefaults(), extra: opts.Dirs, workers: opts.Workers, readDir: opts.readDir}
	if s.workers <= 0 {
		s.workers = 4
	}
	if s.readDir == nil {
		s.readDir = os.ReadDir
	}
	return s
}

// stores lists the folders to scan in order; a folder named twice is scanned once.
func (s *scanner) stores() []store {
	var out []store
	seen := map[string]bool{}
	add := func(src Source, kind storeKind, dirs ...string) {
		for _, d := range dirs {
			if d == "" {
				continue
			}
			d = filepath.Clean(d)
			if seen[d] {
				continue
			}
			seen[d] = true
			out = append(out, store{source: src, dir: d, kind: kind})
		}
	}
	add(Ollama, kindOllama, s.env.ollamaDirs()...)
	add(HuggingFace, kindHF, s.env.hfDirs()...)
	add(LMStudio, kindPlain, s.env.lmstudioDirs()...)
	add(LlamaCpp, kindPlain, s.env.llamaCacheDirs()...)
	add(Slmscope, kindPlain, s.env.ModelsDir())
	add(Folder, kindPlain, s.env.userDirs(s.extra)...)
	return out
}

func (s *scanner) add(c candidate) { s.found = append(s.found, c) }

// list reads a folder. A missing folder is silent when quiet is set; any other failure
// becomes an entry saying the folder cannot be read.
func (s *scanner) list(src Source, dir string, quiet bool) []os.DirEntry {
	ents, err := s.readDir(dir)
	if err == nil {
		return ents
	}
	if errors.Is(err, fs.ErrNotExist) && quiet {
		return ents
	}
	what := "cannot read this folder"
	if errors.Is(err, fs.ErrPermission) {
		what = "cannot read this folder: permission denied (give your user read access, or remove it from the folders slmscope scans)"
	} else {
		what += ": " + unwrapPath(err)
	}
	s.add(candidate{name: dir, source: src, path: dir, problem: what})
	return ents
}

// isModelName reports whether a file name looks like a GGUF model.
func isModelName(name string) bool {
	return strings.HasSuffix(strings.ToLower(name), ".gguf")
}

// scanPlain finds *.gguf files below root (LM Studio, llama.cpp's cache, slmscope's own
// folder and user folders). Hidden folders are skipped and symlinked folders are not
// followed (no loops); a Hugging Face style models--org--name folder inside is read as one.
// root may also be a single .gguf file.
func (s *scanner) scanPlain(src Source, root string) {
	if fi, err := os.Stat(root); err == nil && !fi.IsDir() {
		if isModelName(root) {
			s.add(candidate{name: filepath.Base(root), source: src, path: root})
		}
		return
	}
	s.walk(src, root, "", 0, func(rel string) string { return rel })
}

// walk adds every *.gguf below dir; rel is dir relative to the store root (slash-separated)
// and name turns a file's rel path into the entry's name.
func (s *scanner) walk(src Source, dir, rel string, depth int, name func(rel string) string) {
	for _, e := range s.list(src, dir, depth == 0) {
		n := e.Name()
		r := n
		if rel != "" {
			r = rel + "/" + n
		}
		p := filepath.Join(dir, n)
		switch {
		case isModelName(n):
			s.add(candidate{name: name(r), source: src, path: p})
		case strings.HasPrefix(n, "."):
		case e.IsDir() && depth == 0 && strings.HasPrefix(n, "models--"):
			s.scanHFRepo(src, dir, n)
		case e.IsDir() && depth+1 < maxWalkDepth:
			s.walk(src, p, r, depth+1, name)
		}
	}
}

// unwrapPath drops the "open /x/y: " prefix of a *fs.PathError, since entries carry the path.
func unwrapPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

type notRegularError struct {
	path string
	mode fs.FileMode
}

func (e *notRegularError) Error() string {
	return "is " + safefile.Describe(e.mode) + ", not a regular file: slmscope only reads regular files"
}

type tooBigError struct {
	path        string
	size, limit int64
}

func (e *tooBigError) Error() string {
	return "is too large to be what it claims (" + itoa(e.size) + " bytes, at most " + itoa(e.limit) + " expected)"
}
