package ui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/engine/localmodels"
	"slmscope/hwprobe"
)

// modelsEnv is a machine of temporary folders: a home with no stores, slmscope's downloads
// folder, and a hub (httptest) serving the tiny instruct model under the pinned name.
type modelsEnv struct {
	home, modelsDir string
	env             localmodels.Env
	hub             *httptest.Server
	gguf            []byte
}

func newModelsEnv(t *testing.T) *modelsEnv {
	t.Helper()
	root := t.TempDir()
	e := &modelsEnv{home: filepath.Join(root, "home"), modelsDir: filepath.Join(root, "models")}
	vars := map[string]string{localmodels.EnvModelsDir: e.modelsDir}
	e.env = localmodels.Env{Home: e.home, Getenv: func(k string) string { return vars[k] }, GOOS: "linux", Root: root}
	b, err := os.ReadFile(writeRealTiny(t, t.TempDir(), "x.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	e.gguf = b
	pin := engine.DefaultDownloadPin()
	sum := sha256.Sum256(b)
	e.hub = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/"+pin.Repo+"/resolve/"+pin.Revision+"/"+pin.File) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("X-Linked-Etag", `"`+hex.EncodeToString(sum[:])+`"`)
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		w.Write(b)
	}))
	t.Cleanup(e.hub.Close)
	return e
}

// modelsTabFor builds the tab on a test app with e's folders and hub, on a machine not
// measured yet.
func modelsTabFor(t *testing.T, e *modelsEnv) (*App, *modelsTab) {
	return modelsTabWith(t, e, sampleReport(), engine.Calibration{}, nil)
}

// modelsTabWith builds the tab on machine r calibrated by cal, with edit (may be nil) changing
// the source.
func modelsTabWith(t *testing.T, e *modelsEnv, r hwprobe.Report, cal engine.Calibration, edit func(*modelsSource)) (*App, *modelsTab) {
	t.Helper()
	fa := newTestApp(t)
	a := newAppWith(fa, testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	_, err := a.machine.Load(context.Background(), engine.MachineOptions{
		Probe:           func(context.Context, hwprobe.Options) (*hwprobe.Report, error) { return &r, nil },
		LoadCalibration: func(_, _ string) (engine.Calibration, error) { return cal, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	src := realModelsSource(a)
	src.scan = func(ctx context.Context, dirs []string) ([]engine.LocalModel, error) {
		return engine.ScanLocalModels(ctx, engine.LocalModelsOptions{Env: e.env, Dirs: dirs})
	}
	src.endpoint = e.hub.URL
	src.download = func(ctx context.Context, req engine.DownloadRequest, progress func(engine.DownloadProgress)) (engine.DownloadResult, error) {
		req.Getenv, req.Retries, req.Backoff = e.env.Getenv, 1, time.Millisecond
		return engine.Download(ctx, req, progress)
	}
	if edit != nil {
		edit(&src)
	}
	m := newModelsTab(a, src, func(f func()) { go f() })
	waitFor(t, "the first scan", 30*time.Second, func() bool { return m.scans > 0 })
	return a, m
}

// TestModelsTabGetMeasureOpen: the built-in model shows its fit before download, downloads
// from the hub with progress, appears in the list with size, type mix, memory need and
// projected speed; Measure puts a measurement beside the projection; Open in Live run
// chooses it there. A broken file in an added folder is listed with its problem only.
func TestModelsTabGetMeasureOpen(t *testing.T) {
	e := newModelsEnv(t)
	a, m := modelsTabFor(t, e)
	if !strings.Contains(m.status.Text, "No GGUF models") {
		t.Errorf("empty machine: status %q", m.status.Text)
	}
	for _, want := range []string{"Download ", "Q8_0", "memory: ", "tok/s"} {
		if !strings.Contains(m.get.before.Text, want) {
			t.Errorf("before downloading, the card lacks %q: %q", want, m.get.before.Text)
		}
	}

	test.Tap(m.get.getBtn)
	waitFor(t, "the download", 30*time.Second, func() bool { return m.get.cancel == nil && !m.get.getBtn.Disabled() })
	if !m.get.errTx.Hidden {
		t.Fatalf("download error: %s", m.get.errTx.Text)
	}
	if !strings.HasPrefix(m.get.progTx.Text, "Downloaded: ") || !strings.Contains(m.get.progTx.Text, "SHA-256 checked") {
		t.Errorf("after download: %q", m.get.progTx.Text)
	}
	waitFor(t, "the model in the list", 30*time.Second, func() bool { return len(m.rows) == 1 })
	r := m.rows[0]
	if r.model.Source != localmodels.Slmscope || r.model.Path != filepath.Join(e.modelsDir, engine.DefaultDownloadPin().File) {
		t.Errorf("row %+v", r.model)
	}
	card := cardsText(m.list)
	for _, want := range []string{"Q8_0", "Memory: fits ", "Generation speed: ≈ ", "tok/s (", "projected from the file's own tensors"} {
		if !strings.Contains(card, want) {
			t.Errorf("the model's card lacks %q:\n%s", want, card)
		}
	}

	// Measure: a benchmark in a fresh worker, recorded, shown beside the projection.
	m.onMeasure(r.model)
	waitFor(t, "the measurement", 60*time.Second, func() bool { return m.measuring.IsZero() })
	if !strings.HasPrefix(m.status.Text, "Measured ") {
		t.Fatalf("status %q", m.status.Text)
	}
	if card := cardsText(m.list); !strings.Contains(card, "Measured here: Compare ▶") || !strings.Contains(card, fmt.Sprintf("after a %d-token prompt", engine.DefaultPromptTokens)) {
		t.Errorf("no measurement beside the projection:\n%s", card)
	}

	// A broken file in an added folder: its problem, no buttons.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.gguf"), []byte("not a model\n"), 0o644)
	m.addFolder(dir)
	waitFor(t, "the rescan", 30*time.Second, func() bool { return len(m.rows) == 2 })
	if got := a.fyne.Preferences().StringList(prefModelDirs); len(got) != 1 || got[0] != dir {
		t.Errorf("added folders remembered as %v", got)
	}
	if card := cardsText(m.list); !strings.Contains(card, "Not usable: ") || !strings.Contains(m.status.Text, "1 of them unusable") {
		t.Errorf("broken file not shown with its problem: %q\n%s", m.status.Text, card)
	}

	// Open in Live run: the Live run screen shows, with the file chosen.
	path := m.rows[0].model.Path
	m.openInLive(path)
	if a.current != screenLiveRun {
		t.Errorf("screen %v, want Live run", a.current)
	}
	if files := a.fyne.Preferences().StringList(prefLiveFiles); len(files) == 0 || files[0] != path {
		t.Errorf("live files %v", files)
	}
}

// TestModelsTabOfflineAndMirror: with the hub unreachable the card says to use a class
// mirror; the mirror (a folder) is remembered and used.
func TestModelsTabOfflineAndMirror(t *testing.T) {
	e := newModelsEnv(t)
	e.hub.Close() // offline
	_, m := modelsTabFor(t, e)
	test.Tap(m.get.getBtn)
	waitFor(t, "the failed download", 30*time.Second, func() bool { return m.get.cancel == nil })
	if m.get.errTx.Hidden || !strings.HasPrefix(m.get.errTx.Text, "offline: use a class mirror or a file you have") {
		t.Fatalf("offline error %q (hidden %v)", m.get.errTx.Text, m.get.errTx.Hidden)
	}

	mirror := t.TempDir()
	os.WriteFile(filepath.Join(mirror, engine.DefaultDownloadPin().File), e.gguf, 0o644)
	m.get.mirror.SetText(mirror)
	if got := m.a.fyne.Preferences().String(prefModelMirror); got != mirror {
		t.Errorf("mirror remembered as %q", got)
	}
	test.Tap(m.get.getBtn)
	waitFor(t, "the mirror download", 30*time.Second, func() bool { return m.get.cancel == nil })
	if !m.get.errTx.Hidden || !strings.HasPrefix(m.get.progTx.Text, "Downloaded: ") {
		t.Fatalf("mirror download: %q / %q", m.get.errTx.Text, m.get.progTx.Text)
	}
	waitFor(t, "the model in the list", 30*time.Second, func() bool { return len(m.rows) == 1 })
}

// TestModelsTabProgressText: bytes, speed and time left.
func TestModelsTabProgressText(t *testing.T) {
	e := newModelsEnv(t)
	_, m := modelsTabFor(t, e)
	m.get.showProgress(engine.DownloadProgress{Phase: "download", Source: "the hub", Done: 50e6, Total: 145e6, BytesPerSec: 5e6, ETA: 19 * time.Second})
	for _, want := range []string{"50", "145", "/s", "left"} {
		if !strings.Contains(m.get.progTx.Text, want) {
			t.Errorf("progress %q lacks %q", m.get.progTx.Text, want)
		}
	}
}

// cardsText joins the text of every label under o, inside cards too.
func cardsText(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			b.WriteString(v.Text + "\n")
		case *widget.Card:
			walk(v.Content)
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

// Measure on a file whose run falls outside its calibrated projection's band checks the
// machine's pace and says what it found; one inside checks nothing.
func TestModelsMeasureOutsideItsBandChecksThePace(t *testing.T) {
	for _, c := range []struct {
		name    string
		factor  float64 // the run's speed over the band's low end
		checked bool
	}{
		{"outside", 0.3, true},
		{"inside", 1.02, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newModelsEnv(t)
			if err := os.MkdirAll(e.modelsDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(e.modelsDir, "tiny.gguf"), e.gguf, 0o644); err != nil {
				t.Fatal(err)
			}
			var checked int
			var tps float64
			_, m := modelsTabWith(t, e, *fakeReport(), fixtureCalibration(t), func(src *modelsSource) {
				src.measure = func(ctx context.Context, path string, progress func(string)) (engine.Run, error) {
					return engine.Run{Label: "tiny", GenTPS: tps, PromptTokens: engine.DefaultPromptTokens, When: time.Now()}, nil
				}
				src.pace = func(ctx context.Context, progress func(string)) (engine.PaceCheck, error) {
					checked++
					return engine.PaceCheck{Verdict: engine.PaceSlower, Why: "The machine is running 3.4× slower than when it was calibrated."}, nil
				}
			})
			waitFor(t, "the model in the list", 30*time.Second, func() bool { return len(m.rows) == 1 })
			p := m.rows[0].before.Projection
			if p == nil || !p.Calibrated || p.DecodeTPSLow <= 0 {
				t.Fatalf("the file's projection %+v: want a calibrated one with a band", p)
			}
			tps = c.factor * p.DecodeTPSLow
			m.onMeasure(m.rows[0].model)
			waitFor(t, "the measurement", 30*time.Second, func() bool { return m.measuring.IsZero() })
			got := m.status.Text
			if (checked > 0) != c.checked || c.checked != strings.Contains(got, "That is outside its projected band (") ||
				c.checked != strings.Contains(got, "3.4× slower") || !strings.HasPrefix(got, "Measured ") {
				t.Errorf("pace checked %d times; status %q", checked, got)
			}
		})
	}
}
