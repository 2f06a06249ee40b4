package localmodels

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"slmscope/engine/gguf"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// inspectAll checks every item with the GGUF reader, Workers at a time.
func (s *scanner) inspectAll(ctx context.Context, items []*item) error {
	next := make(chan *item)
	var wg sync.WaitGroup
	for range s.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range next {
				inspect(it)
			}
		}()
	}
	var err error
	for _, it := range items {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- it
	}
	close(next)
	wg.Wait()
	return err
}

// inspect fills in an item's size, time and model facts, or its problem.
func inspect(it *item) {
	m := &it.model
	if it.problem != "" {
		m.Problem = it.problem
		if fi, err := os.Stat(m.Path); err == nil && fi.Mode().IsRegular() {
			m.Bytes, m.ModTime = fi.Size(), fi.ModTime()
		}
		return
	}
	var files []*gguf.File
	for i, p := range it.parts {
		if p == "" {
			continue
		}
		fi, problem := statModel(p)
		if problem != "" {
			m.Problem = partPrefix(it, i) + problem
			return
		}
		m.Bytes += fi.Size()
		if i+1 == it.first || it.model.Parts == 0 {
			m.ModTime = fi.ModTime()
		}
		if it.want > 0 && fi.Size() != it.want {
			m.Problem = problemf("the file is %d bytes but its store says %d (an interrupted or damaged download): download it again", fi.Size(), it.want)
			return
		}
		f, err := gguf.Open(p)
		if err != nil {
			m.Problem = partPrefix(it, i) + describe(err)
			return
		}
		files = append(files, f)
	}
	if miss := it.missingParts(); len(miss) > 0 {
		fill(m, files)
		m.Problem = problemf("a split model with %d of its %d parts missing (part %s): download the missing parts into %s",
			len(miss), len(it.parts), joinInts(miss), filepath.Dir(m.Path))
		return
	}
	fill(m, files)
	if m.Parts > 0 {
		m.Problem = checkSplit(files)
		return
	}
	if err := files[0].CheckModel(); err != nil {
		m.Problem = describe(err)
	}
}

// partPrefix names the part a problem belongs to, for split models.
func partPrefix(it *item, i int) string {
	if it.model.Parts == 0 {
		return ""
	}
	return problemf("part %d of %d (%s): ", i+1, len(it.parts), filepath.Base(it.parts[i]))
}

// fill takes arch, context and quantization from the first file and the parameter count
// from all of them.
func fill(m *Model, files []*gguf.File) {
	if len(files) == 0 {
		return
	}
	info := files[0].Info()
	m.Arch, m.Context = info.Arch, info.ContextLength
	m.Quant = info.FileType
	if m.Quant == "" {
		m.Quant = info.DominantType
	}
	for _, f := range files {
		for _, t := range f.Tensors {
			m.Params += t.Elements()
		}
	}
}

// checkSplit applies the model checks that make sense across the parts of a split model.
func checkSplit(files []*gguf.File) string {
	first := files[0]
	if a, _ := first.GetString(gguf.KeyArchitecture); a == "" {
		return "part 1 has no general.architecture key, so llama.cpp cannot tell what kind of model it is"
	}
	if n, ok := first.GetUint("split.count"); ok && n != uint64(len(files)) {
		return problemf("part 1 says the model has %d parts (split.count) but its file names say %d", n, len(files))
	}
	for _, f := range files {
		if len(f.Tensors) > 0 {
			return ""
		}
	}
	return "no part holds any tensors: there are no weights to run"
}

// statModel checks that p reaches a regular file before anything opens it, so named pipes,
// devices, folders and dangling links are refused without blocking.
func statModel(p string) (os.FileInfo, string) {
	li, err := os.Lstat(p)
	if err != nil {
		return nil, describeStat(err)
	}
	fi := li
	if li.Mode()&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(p)
		fi, err = os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, problemf("the link points to %s, which does not exist (an interrupted download or a cleaned-up cache): download the model again", target)
		}
		if err != nil {
			return nil, describeStat(err)
		}
		if strings.HasSuffix(target, incompleteSuffix) {
			return nil, "the link points to an unfinished download (" + filepath.Base(target) + "): finish or restart the download"
		}
	}
	if fi.IsDir() {
		return nil, "is a folder whose name ends in .gguf, not a model file"
	}
	if !fi.Mode().IsRegular() {
		return nil, (&notRegularError{path: p, mode: fi.Mode()}).Error()
	}
	return fi, ""
}

func describeStat(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "the file is missing"
	case errors.Is(err, fs.ErrPermission):
		return "cannot read the file: permission denied"
	}
	return "cannot read the file: " + unwrapPath(err)
}

// describe turns a GGUF reader error into a problem sentence without the path (entries
// carry it).
func describe(err error) string {
	var fe *gguf.FormatError
	if errors.As(err, &fe) {
		return fe.Problem
	}
	if errors.Is(err, fs.ErrPermission) {
		return "cannot open the file: permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return "cannot open the file: " + pe.Err.Error()
	}
	return err.Error()
}

func joinInts(a []int) string {
	s := make([]string, len(a))
	for i, n := range a {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}
