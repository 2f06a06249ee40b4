package ui

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// maxUIImports is how many slmscope packages ui may import (ui/chartview counted): the
// engine's one door, hwprobe, lessons, charts, ui/chartview and internal/units.
const maxUIImports = 6

// importsOf lists the import paths of the non-test Go files under dir (every build tag,
// sub-folders too when deep), each with the files that import it.
func importsOf(t *testing.T, dir string, deep bool) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && (!deep || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, is := range f.Imports {
			p, err := strconv.Unquote(is.Path.Value)
			if err != nil {
				return err
			}
			out[p] = append(out[p], path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// slmscopeImports is the sorted slmscope packages among imports.
func slmscopeImports(imports map[string][]string) []string {
	var ps []string
	for p := range imports {
		if p == "slmscope" || strings.HasPrefix(p, "slmscope/") {
			ps = append(ps, p)
		}
	}
	sort.Strings(ps)
	return ps
}

// TestUIHasOneDoorIntoTheEngine keeps ui on the engine API: everything from the engine's
// parts and internal/ comes through package engine (its api_*.go files), not from below it.
func TestUIHasOneDoorIntoTheEngine(t *testing.T) {
	ps := slmscopeImports(importsOf(t, ".", false))
	if len(ps) > maxUIImports {
		t.Errorf("ui imports %d slmscope packages, at most %d allowed (reach the engine's parts through package engine):\n%s",
			len(ps), maxUIImports, strings.Join(ps, "\n"))
	}
}

// cliImports is every slmscope package the command line (engine/cli) may import: the engine's
// door, worker for the `slmscope worker` entry point, the lower layers, and internal/units
// for formatting.
var cliImports = map[string]bool{
	"slmscope/engine": true, "slmscope/engine/worker": true, "slmscope/hwprobe": true,
	"slmscope/lessons": true, "slmscope/internal/units": true,
}

// TestCLIHasOneDoorIntoTheEngine keeps the command line on the engine API, like ui: the
// engine's parts and internal/ come through package engine, not from below it.
func TestCLIHasOneDoorIntoTheEngine(t *testing.T) {
	imports := importsOf(t, "../engine/cli", false)
	for _, p := range slmscopeImports(imports) {
		if !cliImports[p] {
			t.Errorf("engine/cli imports %s (in %s): reach it through package engine (engine/api_*.go)",
				p, strings.Join(imports[p], ", "))
		}
	}
}

// TestLowerLayersDoNotImportUp keeps the arrows pointing down: hwprobe, lessons and charts
// never import the engine or ui, and the engine never imports ui.
func TestLowerLayersDoNotImportUp(t *testing.T) {
	for _, c := range []struct{ dir, banned string }{
		{"../hwprobe", "slmscope/engine"}, {"../lessons", "slmscope/engine"}, {"../charts", "slmscope/engine"},
		{"../hwprobe", "slmscope/ui"}, {"../lessons", "slmscope/ui"}, {"../charts", "slmscope/ui"},
		{"../engine", "slmscope/ui"}, {"../engine", "slmscope/engine/cli"}, {"../internal", "slmscope/engine"}, {"../internal", "slmscope/ui"},
	} {
		for p, files := range importsOf(t, c.dir, true) {
			if p == c.banned || strings.HasPrefix(p, c.banned+"/") {
				t.Errorf("%s imports %s (in %s): a lower layer never imports upward", c.dir, p, strings.Join(files, ", "))
			}
		}
	}
}
