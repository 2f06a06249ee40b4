package ui

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"slmscope/engine/estimate/estimatetest"
	"slmscope/hwprobe"
)

// readmeScreenshot is the README's picture of the app: the Compare screen's answer at the
// 1024×640 of a classroom projector, drawn from a default calibration recorded on a 2-core
// AMD EPYC (engine/estimate/testdata/ladder_epyc_2c.json) and that machine's probe figures.
const readmeScreenshot = "../docs/screenshot.png"

// recordedLadderScreen is the Compare screen of the machine the EPYC ladder was recorded on.
func recordedLadderScreen(t *testing.T) (*App, *compareScreen) {
	t.Helper()
	cal := estimatetest.Calibration(t, "../engine/estimate/testdata/ladder_epyc_2c.json")
	m := cal.Machine
	src := (&fakeCompare{cal: cal}).source()
	src.probe = func(context.Context) (*hwprobe.Report, error) {
		return &hwprobe.Report{OS: "linux", Arch: "amd64",
			CPU:       hwprobe.CPU{Model: m.CPUName, PhysicalCores: m.CPUCores, LogicalCores: m.CPUCores, Source: "recorded"},
			RAM:       hwprobe.RAM{TotalBytes: uint64(m.RAMTotalBytes), AvailableBytes: uint64(m.RAMAvailableBytes), Source: "recorded"},
			Bandwidth: hwprobe.Bandwidth{ReadGBps: m.MeasuredBandwidthGBs, Threads: m.CPUCores, Source: "recorded"}}, nil
	}
	a := newAppWith(newTestApp(t), testWorkerOptions(), newUIExec().do)
	t.Cleanup(a.session.Close)
	s := newCompareScreenWith(a, src, func(job func()) { job() })
	t.Cleanup(s.stop)
	showIn(a, s.view)
	a.win.Resize(goldenSize)
	return a, s
}

// TestREADMEScreenshot keeps docs/screenshot.png current: the screen is drawn as the test canvas
// draws it (with the app's own fonts, so the same on every machine) and compared with the
// picture. When the screen changes on purpose, run the test with SLMSCOPE_UPDATE_SCREENSHOT=1
// and look at the new picture before committing it.
func TestREADMEScreenshot(t *testing.T) {
	a, _ := recordedLadderScreen(t)
	// The sidebar marks Compare, as when a person opens it, without building the real screen.
	on := a.nav.OnSelected
	a.nav.OnSelected = nil
	for i, e := range a.screens {
		if e.id == screenCompare {
			a.nav.Select(i)
		}
	}
	a.nav.OnSelected = on
	got := a.win.Canvas().Capture()
	var buf bytes.Buffer
	if err := png.Encode(&buf, got); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("SLMSCOPE_UPDATE_SCREENSHOT") == "1" {
		if err := os.WriteFile(readmeScreenshot, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(readmeScreenshot)
	if err != nil {
		t.Fatalf("%v: make it with SLMSCOPE_UPDATE_SCREENSHOT=1 go test -run TestREADMEScreenshot ./ui/", err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if n, total := differingPixels(got, want); n*1000 > total { // more than 0.1 %
		failed := filepath.Join("testdata", "failed", "screenshot.png")
		_ = os.MkdirAll(filepath.Dir(failed), 0o755)
		_ = os.WriteFile(failed, buf.Bytes(), 0o644)
		t.Errorf("the README's screenshot is out of date: %d of %d pixels differ; the screen now is in %s (SLMSCOPE_UPDATE_SCREENSHOT=1 updates it)", n, total, failed)
	}
}

// differingPixels counts the pixels that differ between two images, every pixel of a size
// mismatch included.
func differingPixels(a, b image.Image) (n, total int) {
	ra, rb := a.Bounds(), b.Bounds()
	total = max(ra.Dx()*ra.Dy(), rb.Dx()*rb.Dy())
	if ra.Size() != rb.Size() {
		return total, total
	}
	for y := 0; y < ra.Dy(); y++ {
		for x := 0; x < ra.Dx(); x++ {
			r1, g1, b1, a1 := a.At(ra.Min.X+x, ra.Min.Y+y).RGBA()
			r2, g2, b2, a2 := b.At(rb.Min.X+x, rb.Min.Y+y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				n++
			}
		}
	}
	return n, total
}
