package ui

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"slmscope/engine"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/go-text/typesetting/font"
)

// uiText is one piece of text the app can show and where it comes from.
type uiText struct {
	where string
	text  string
}

// shownTexts collects every string the UI can show: the string literals of every non-test Go
// file (labels, messages, bases, chart legends; engine and CLI texts reach the screens through
// errors and reports) and the embedded lesson, quiz and glossary files.
func shownTexts(t *testing.T, root string) []uiText {
	t.Helper()
	var out []uiText
	skip := map[string]bool{".git": true, ".runtime": true, "bin": true, "build": true, "dist": true, "testdata": true}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if skip[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case strings.HasSuffix(p, "_test.go"):
		case strings.HasSuffix(p, ".go"):
			out = append(out, goStrings(t, p)...)
		case strings.Contains(filepath.ToSlash(p), "lessons/content/"):
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out = append(out, uiText{p, string(b)})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// goStrings returns the string literals of one Go file, each with its file and line.
func goStrings(t *testing.T, path string) []uiText {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []uiText
	ast.Inspect(f, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && (lit.Kind == token.STRING || lit.Kind == token.CHAR) {
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
			}
			out = append(out, uiText{fset.Position(lit.Pos()).String(), s})
		}
		return true
	})
	return out
}

// TestFontsCoverEveryUIGlyph fails on any glyph of a UI string that one of the app's fonts
// lacks: Fyne would draw it with whatever font the machine has, or as a box.
func TestFontsCoverEveryUIGlyph(t *testing.T) {
	n := engine.FontFiles
	texts := shownTexts(t, "..")
	if len(texts) < 1000 {
		t.Fatalf("found only %d texts: the walk misses the source tree", len(texts))
	}
	for _, name := range []string{n.Regular, n.Bold, n.Italic, n.BoldItalic, n.Mono, n.MonoBold} {
		b, err := engine.Font(name)
		if err != nil {
			t.Fatalf("%v (run make setup)", err)
		}
		face, err := font.ParseTTF(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		missing := map[rune]string{}
		for _, x := range texts {
			for _, r := range x.text {
				if !unicode.IsPrint(r) || r == ' ' {
					continue // control characters and the like are never drawn as glyphs
				}
				if _, ok := face.NominalGlyph(r); !ok && missing[r] == "" {
					missing[r] = x.where
				}
			}
		}
		var lines []string
		for r, where := range missing {
			lines = append(lines, "  "+strconv.QuoteRune(r)+" first in "+where)
		}
		sort.Strings(lines)
		if len(lines) > 0 {
			t.Errorf("%s lacks %d glyphs the UI shows:\n%s", name, len(lines), strings.Join(lines, "\n"))
		}
	}
}

// TestThemeDrawsWithTheRuntimeFonts: the theme hands Fyne the runtime's fonts for every text
// style but the symbol one.
func TestThemeDrawsWithTheRuntimeFonts(t *testing.T) {
	th := newAppTheme(1, false)
	n := engine.FontFiles
	for _, c := range []struct {
		style fyne.TextStyle
		want  string
	}{
		{fyne.TextStyle{}, n.Regular},
		{fyne.TextStyle{Bold: true}, n.Bold},
		{fyne.TextStyle{Italic: true}, n.Italic},
		{fyne.TextStyle{Bold: true, Italic: true}, n.BoldItalic},
		{fyne.TextStyle{Monospace: true}, n.Mono},
		{fyne.TextStyle{Monospace: true, Bold: true}, n.MonoBold},
	} {
		if got := th.Font(c.style).Name(); got != c.want {
			t.Errorf("font for %+v = %s, want %s", c.style, got, c.want)
		}
	}
}

// newTestApp is Fyne's test app with slmscope's own theme, so that what tests lay out and the
// golden masters record is drawn with the runtime's fonts, the same on every machine, and not
// with Fyne's test theme, which falls back to the machine's fonts for ≈, ● and the like.
func newTestApp(t testing.TB) fyne.App {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(newAppTheme(1, false))
	return a
}
