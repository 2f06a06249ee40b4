package ui

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"slmscope/engine"

	"fyne.io/fyne/v2"
)

// The Compare answer read as a person reads it: the screen is drawn by Fyne's test canvas
// (the software painter, with the app's bundled fonts), saved as a PNG and read back by
// tesseract. At least six catalog model names must come back in full, each on a line with a
// tok/s figure: at 1024×640 in presenter mode (a classroom projector) and at 1920×1080 in
// normal mode. SLMSCOPE_OCR_DIR keeps the PNGs and the text read from them.

// ocrMinModels is how many models must be read in full with their speed.
const ocrMinModels = 6

var ocrSpeed = regexp.MustCompile(`\d+(\.\d+)?\s*tok/s`)

func TestCompareAnswerReadsOnScreen(t *testing.T) {
	tess, err := exec.LookPath("tesseract")
	if err != nil {
		t.Skip("tesseract is not installed (Debian package tesseract-ocr; make setup installs it): the screen was not read back")
	}
	for _, tc := range []struct {
		name      string
		presenter bool
		size      fyne.Size
	}{
		{"presenter-1024x640", true, fyne.NewSize(1024, 640)},
		{"normal-1920x1080", false, fyne.NewSize(1920, 1080)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := answerOnScreen(t, tc.presenter, tc.size)
			dir := os.Getenv("SLMSCOPE_OCR_DIR")
			if dir == "" {
				dir = t.TempDir()
			} else if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			shot := filepath.Join(dir, "compare-"+tc.name+".png")
			var buf bytes.Buffer
			if err := png.Encode(&buf, a.win.Canvas().Capture()); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(shot, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(tess, shot, "-").Output()
			if err != nil {
				t.Fatalf("tesseract %s: %v", shot, err)
			}
			text := string(out)
			_ = os.WriteFile(strings.TrimSuffix(shot, ".png")+".txt", out, 0o644)
			read := readModels(text)
			if len(read) < ocrMinModels {
				t.Errorf("read %d model names with a tok/s figure (%q), want ≥ %d; tesseract read:\n%s", len(read), read, ocrMinModels, text)
			}
		})
	}
}

// readModels is the catalog models whose full name is on a line of text with a tok/s
// figure after it.
func readModels(text string) []string {
	var out []string
	for _, m := range engine.CatalogModels() {
		for _, line := range strings.Split(text, "\n") {
			i := strings.Index(line, m.Name)
			if i < 0 || !ocrSpeed.MatchString(line[i+len(m.Name):]) {
				continue
			}
			// "Qwen2.5-7B" is not "Qwen2.5-72B": the name ends where a word does.
			if rest := line[i+len(m.Name):]; rest != "" && rest[0] != ' ' {
				continue
			}
			out = append(out, m.Name)
			break
		}
	}
	return out
}
