package ui

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"slmscope/engine"
	"slmscope/internal/units"
)

// The Class screen's background work: watching the class folder, saving this machine's
// result file, writing the report. Results reach the widgets only through App.do.

// classWatch is one folder being watched; stop ends the watch.
type classWatch struct {
	dir   string
	every time.Duration
	stop  chan struct{}
	once  sync.Once
}

func (w *classWatch) end() { w.once.Do(func() { close(w.stop) }) }

// startWatch reads dir now and again whenever what it holds changes (names, sizes, times are
// compared every classEvery: cheap, so fifty files landing never stall anything). A folder
// that disappears is said once; the view comes back when the folder does.
func (s *classScreen) startWatch(dir string) *classWatch {
	w := &classWatch{dir: dir, every: classEvery, stop: make(chan struct{})}
	if s.every > 0 {
		w.every = s.every
	}
	s.spawn(func() { s.watchLoop(w) })
	return w
}

// stopWatching ends the current watch, if any.
func (s *classScreen) stopWatching() {
	if s.watch != nil {
		s.watch.end()
		s.watch = nil
	}
}

func (s *classScreen) watchLoop(w *classWatch) {
	last, gone := "", false
	check := func() {
		fp, err := engine.ClassFingerprint(w.dir)
		if err == nil && fp == last {
			return
		}
		var c engine.Class
		if err == nil {
			c, err = engine.LoadClass(w.dir)
		}
		if err != nil {
			last = ""
			if !gone {
				gone = true
				s.a.do(func() {
					if s.watch == w {
						s.showGone(err)
					}
				})
			}
			return
		}
		last, gone = fp, false
		s.a.do(func() {
			if s.watch == w {
				s.applyClass(c)
			}
		})
	}
	check()
	t := time.NewTicker(w.every)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			check()
		}
	}
}

// onSave asks where to save this machine's result file, then saves it.
func (s *classScreen) onSave() {
	label, err := s.labelText()
	if err != nil {
		dialog.ShowError(err, s.a.win)
		return
	}
	name := "slmscope-results.json"
	if label != "" {
		name = "slmscope-results-" + strings.ReplaceAll(label, " ", "-") + ".json"
	}
	s.a.saveFileDialog(name, nil, s.a.showErr, func(w fyne.URIWriteCloser) {
		path := w.URI().Path()
		_ = w.Close()
		s.saveTo(path, label)
	})
}

// saveTo writes the result file to path off the UI goroutine and says how it went.
func (s *classScreen) saveTo(path, label string) {
	preds := s.a.lessonState().store.Predictions()
	s.status.SetText("Saving your results…")
	s.spawn(func() {
		st, err := s.a.machine.LoadOnce(context.Background(), engine.MachineOptions{})
		if err != nil {
			s.a.do(func() { s.status.SetText("⚠ Your results were not saved: " + err.Error()) })
			return
		}
		res, notes, err := engine.SaveResults(st, label, path, preds)
		if err != nil {
			s.a.do(func() { s.status.SetText("⚠ Your results were not saved: " + err.Error()) })
			return
		}
		msg := fmt.Sprintf("Saved %s for %s: %s, %s, signed by this installation's key. Hand it in (USB stick or shared folder).",
			path, res.DisplayName(), units.Count(len(res.Runs), "run"), units.Count(len(res.Predictions), "prediction"))
		if len(notes) > 0 {
			msg += " Note: " + strings.Join(notes, " ")
		}
		s.a.do(func() { s.status.SetText(msg) })
	})
}

// onReport writes the class report (offline HTML) and opens it in the browser.
func (s *classScreen) onReport() {
	if !s.hasData {
		s.status.SetText("Choose a class folder first: the report is made from its result files.")
		return
	}
	c := s.shown
	s.spawn(func() {
		path := filepath.Join(os.TempDir(), "slmscope-class-report.html")
		err := engine.SaveClassHTML(path, c)
		s.a.do(func() {
			if err != nil {
				s.status.SetText("⚠ The report was not written: " + err.Error())
				return
			}
			s.status.SetText("Wrote " + path + " (works offline); opening it in your browser.")
			_ = s.a.fyne.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(path)})
		})
	})
}
