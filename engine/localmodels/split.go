package localmodels

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// splitRE matches llama.cpp's split file names: <prefix>-00001-of-00003.gguf.
var splitRE = regexp.MustCompile(`(?i)^(.*)-(\d{5})-of-(\d{5})\.gguf$`)

// item is one entry to check: a single file, or all parts of a split model.
type item struct {
	model   Model
	parts   []string // paths in part order; "" for a missing part
	problem string   // known before reading
	want    int64    // size promised by the store, or 0
	first   int      // lowest part number present
}

// splitName parses a split part's file name.
func splitName(base string) (prefix string, no, count int, ok bool) {
	m := splitRE.FindStringSubmatch(base)
	if m == nil {
		return "", 0, 0, false
	}
	no, _ = strconv.Atoi(m[2])
	count, _ = strconv.Atoi(m[3])
	if no < 1 || count < 1 || no > count {
		return "", 0, 0, false
	}
	return m[1], no, count, true
}

// groupSplits turns candidates into items: the parts of one split model (same store, same
// folder, same prefix and count) become one item; everything else is an item of its own.
// Order follows the first part seen.
func groupSplits(cands []candidate) []*item {
	var items []*item
	groups := map[string]*item{}
	for _, c := range cands {
		prefix, no, count, ok := splitName(filepath.Base(c.path))
		if c.problem != "" || !ok || count == 1 {
			items = append(items, &item{
				model:   Model{Name: c.name, Source: c.source, Path: c.path},
				parts:   []string{c.path},
				problem: c.problem,
				want:    c.wantSize,
			})
			continue
		}
		key := string(c.source) + "\x00" + filepath.Dir(c.path) + "\x00" + strings.ToLower(prefix) + "\x00" + strconv.Itoa(count)
		it := groups[key]
		if it == nil {
			it = &item{model: Model{Source: c.source, Parts: count}, parts: make([]string, count)}
			groups[key] = it
			items = append(items, it)
		}
		if it.parts[no-1] != "" {
			continue
		}
		it.parts[no-1] = c.path
		if it.model.Path == "" || no < it.first {
			// Name and path come from the first part present (part 1 unless it is missing).
			it.model.Path, it.model.Name, it.first = c.path, c.name, no
		}
	}
	return items
}

// missingParts returns the 1-based numbers of absent parts.
func (it *item) missingParts() []int {
	var out []int
	for i, p := range it.parts {
		if p == "" {
			out = append(out, i+1)
		}
	}
	return out
}
