package ui

import (
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/lessons"
)

// progressScreen shows, per lesson, the best and last quiz scores and each question's history,
// and lets the learner reset, export or import their progress.
type progressScreen struct {
	a       *App
	st      *lessonState
	warning *widget.Label
	list    *fyne.Container
	top     *fyne.Container
}

func buildProgressScreen(a *App) fyne.CanvasObject { return newProgressScreen(a).buildUI() }

func newProgressScreen(a *App) *progressScreen {
	s := &progressScreen{a: a, st: a.lessonState()}
	s.st.onProgress = append(s.st.onProgress, s.refresh)
	s.st.onCatalog = append(s.st.onCatalog, s.refresh)
	return s
}

func (s *progressScreen) buildUI() fyne.CanvasObject {
	s.warning = widget.NewLabel("")
	s.warning.Wrapping = fyne.TextWrapWord
	s.warning.Importance = widget.WarningImportance
	s.list = container.NewVBox()
	reset := widget.NewButtonWithIcon("Reset progress…", theme.DeleteIcon(), s.onReset)
	reset.Importance = widget.DangerImportance
	export := widget.NewButtonWithIcon("Export…", theme.DocumentSaveIcon(), s.onExport)
	imp := widget.NewButtonWithIcon("Import…", theme.FolderOpenIcon(), s.onImport)
	path := widget.NewLabel("Kept on this computer in " + s.st.store.Path())
	path.Wrapping = fyne.TextWrapBreak
	path.Importance = widget.LowImportance
	s.top = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel("Progress"), container.NewHBox(export, imp, reset)),
		path, s.warning)
	s.refresh()
	return container.NewBorder(s.top, nil, nil, nil, container.NewVScroll(container.NewPadded(s.list)))
}

// refresh redraws the per-lesson overview from the store.
func (s *progressScreen) refresh() {
	var warn []string
	if s.st.storeProblem != "" {
		warn = append(warn, s.st.storeProblem)
	}
	if w := s.st.store.Warning(); w != "" {
		warn = append(warn, w)
	}
	if len(warn) > 0 {
		s.warning.SetText("⚠ " + strings.Join(warn, "\n⚠ "))
		s.warning.Show()
	} else {
		s.warning.Hide()
	}
	if s.top != nil {
		s.top.Refresh()
	}
	snap := s.st.store.Snapshot()
	s.list.RemoveAll()
	seen := map[string]bool{}
	for _, l := range s.st.catalog.Lessons {
		seen[l.ID] = true
		s.list.Add(s.lessonCard(l.Title, l, snap.Lessons[l.ID]))
	}
	var others []string
	for id := range snap.Lessons {
		if !seen[id] {
			others = append(others, id)
		}
	}
	sort.Strings(others)
	for _, id := range others {
		s.list.Add(s.lessonCard(id+" (lesson not installed here)", nil, snap.Lessons[id]))
	}
	s.list.Refresh()
}

func (s *progressScreen) lessonCard(title string, l *lessons.Lesson, lp *lessons.LessonProgress) fyne.CanvasObject {
	head := widget.NewLabel(title)
	head.TextStyle.Bold = true
	sum := widget.NewLabel(lp.Summary())
	box := container.NewVBox(head, sum)
	if lp == nil || len(lp.Questions) == 0 {
		return container.NewVBox(box, widget.NewSeparator())
	}
	prompt := map[string]string{}
	var order []string
	if l != nil && l.QuizSet != nil {
		for _, q := range l.QuizSet.Questions {
			order = append(order, q.ID)
			prompt[q.ID] = q.Prompt
			if q.Fallback != nil {
				order = append(order, q.ID+"-fallback")
			}
		}
	}
	for _, id := range sortedQuestionIDs(lp) {
		if _, ok := prompt[id]; !ok {
			order = append(order, id)
		}
	}
	var rows [][]string
	for _, id := range order {
		q := lp.Questions[id]
		if q == nil {
			continue
		}
		last := "✗ wrong"
		if q.LastCorrect {
			last = "✓ right"
		}
		rows = append(rows, []string{id, fmt.Sprintf("%d", q.Attempts), fmt.Sprintf("%d", q.Correct), last + ": " + q.LastAnswer, q.LastAt.Local().Format("2 Jan 15:04")})
	}
	box.Add(newMarkdownTable(tableFromRows([]string{"question", "attempts", "correct", "last answer", "when"}, rows)))
	return container.NewVBox(box, widget.NewSeparator())
}

func sortedQuestionIDs(lp *lessons.LessonProgress) []string {
	ids := make([]string, 0, len(lp.Questions))
	for id := range lp.Questions {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func (s *progressScreen) onReset() {
	dialog.ShowConfirm("Reset progress?",
		"This forgets every answer and score on this computer.\nExport first if you may want them back.",
		func(ok bool) {
			if !ok {
				return
			}
			if err := s.st.store.Reset(); err != nil {
				dialog.ShowError(err, s.a.win)
			}
			s.st.progressChanged()
		}, s.a.win)
}

func (s *progressScreen) onExport() {
	s.a.saveFileDialog("slmscope-progress.json", nil, s.a.showErr, func(w fyne.URIWriteCloser) {
		err := s.st.store.Export(w)
		if cerr := w.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("could not finish writing %s: %w", w.URI().Path(), cerr)
		}
		if err != nil {
			dialog.ShowError(err, s.a.win)
			return
		}
		dialog.ShowInformation("Progress exported", "Saved to "+w.URI().Path()+".\nUse Import on the other computer.", s.a.win)
	})
}

func (s *progressScreen) onImport() {
	s.a.openFileDialog([]string{".json"}, s.a.showErr, func(path string) {
		dialog.ShowConfirm("Replace your progress?",
			"Your progress on this computer will be replaced by the file's.\nExport it first if you may want it back.",
			func(ok bool) {
				if !ok {
					return
				}
				if err := s.st.store.ImportFile(path); err != nil {
					dialog.ShowError(err, s.a.win)
					return
				}
				s.st.progressChanged()
			}, s.a.win)
	})
}
