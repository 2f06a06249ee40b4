package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/internal/units"
	"slmscope/lessons"
)

// lessonScreen shows one lesson: its header, its Markdown with tables drawn as tables and
// "On this machine" lines filled in from this computer, its key terms, and the instructor
// folder's status.
type lessonScreen struct {
	a      *App
	st     *lessonState
	picker *widget.Select
	ids    []string
	page   *fyne.Container // the rendered lesson
	scroll *container.Scroll
	folder *fyne.Container // instructor folder path and problems
	alert  *widget.Label   // "n files have problems" above the lesson
	top    *fyne.Container
	live   []*widget.Label // the "On this machine" lines, for tests
	// shownGen is the measured speed the page was drawn with; a new Live run redraws it.
	shownGen lessons.Facts
	// filler puts the page's blocks on screen a few per turn of the UI loop (turns.go).
	filler turnFiller
}

func buildLessonScreen(a *App) fyne.CanvasObject {
	s := newLessonScreen(a)
	view := s.buildUI()
	a.onShown(screenLesson, s.onShown)
	// The machine arriving or being re-measured changes the "On this machine" lines.
	a.observeMachine(func(engine.MachineState) {
		if a.current == screenLesson {
			s.onShown()
		}
	})
	return view
}

// onShown redraws the lesson when a Live run has measured something since it was drawn, so
// its "On this machine" lines are never stale.
func (s *lessonScreen) onShown() {
	if factsShown(s.st.facts()) == factsShown(s.shownGen) {
		return
	}
	if l := s.st.catalog.Lesson(s.st.current); l != nil {
		offset := s.scroll.Offset
		s.render(l)
		s.scroll.ScrollToOffset(offset)
	}
}

// factsShown is what the page shows of f: a RAM change too small to change the printed
// figure does not redraw it.
func factsShown(f lessons.Facts) string {
	return fmt.Sprint(units.GB(int64(f.AvailableRAMBytes)), units.GB(int64(f.TotalRAMBytes)), f.Fits, f.GenTPS, f.GenModel)
}

func newLessonScreen(a *App) *lessonScreen {
	s := &lessonScreen{a: a, st: a.lessonState()}
	s.st.onCatalog = append(s.st.onCatalog, s.onCatalogChanged)
	return s
}

func (s *lessonScreen) buildUI() fyne.CanvasObject {
	s.picker = widget.NewSelect(nil, s.onPick)
	reload := widget.NewButtonWithIcon("Reload", theme.ViewRefreshIcon(), s.onReload)
	quiz := widget.NewButtonWithIcon("Check yourself", theme.ConfirmIcon(), s.onQuiz)
	quiz.Importance = widget.HighImportance
	s.alert = widget.NewLabel("")
	s.alert.Importance = widget.WarningImportance
	s.alert.Wrapping = fyne.TextWrapWord
	s.alert.Hide()
	s.page = container.NewVBox()
	s.folder = container.NewVBox()
	s.scroll = container.NewVScroll(container.NewPadded(container.NewVBox(s.page, widget.NewSeparator(), s.folder)))
	s.top = container.NewBorder(nil, s.alert, widget.NewLabel("Lesson"), container.NewHBox(reload, quiz), s.picker)
	s.onCatalogChanged()
	return container.NewBorder(s.top, nil, nil, nil, s.scroll)
}

// onCatalogChanged refreshes the picker, the lesson and the folder report after a (re)load.
func (s *lessonScreen) onCatalogChanged() {
	titles, ids := s.st.lessonTitles()
	s.ids = ids
	s.picker.Options = titles
	for i, id := range ids {
		if id == s.st.current {
			s.picker.SetSelectedIndex(i) // calls onPick, which renders
		}
	}
	s.picker.Refresh()
	if s.st.current == "" {
		s.render(nil)
	}
	s.renderFolder()
}

func (s *lessonScreen) onPick(string) {
	i := s.picker.SelectedIndex()
	if i < 0 || i >= len(s.ids) {
		return
	}
	s.st.current = s.ids[i]
	s.render(s.st.catalog.Lesson(s.st.current))
}

func (s *lessonScreen) onReload() { s.st.reload() }

func (s *lessonScreen) onQuiz() {
	if s.st.startQuiz != nil {
		s.st.startQuiz(s.st.current)
	}
	s.a.showScreen(screenQuiz)
}

// render draws lesson l into the page.
func (s *lessonScreen) render(l *lessons.Lesson) {
	s.live = nil
	s.filler.stop() // a page still being put on screen stops
	if l == nil {
		s.page.Objects = []fyne.CanvasObject{widget.NewLabel("No lessons are available.")}
		s.page.Refresh()
		return
	}
	// The page is built aside and laid out once: adding blocks one by one to the shown
	// container would lay out every block again at each addition.
	var objs []fyne.CanvasObject
	add := func(o fyne.CanvasObject) { objs = append(objs, o) }
	title := widget.NewRichTextFromMarkdown("# " + l.Title)
	title.Wrapping = fyne.TextWrapWord
	add(title)
	var meta []string
	if l.Track != "" {
		meta = append(meta, l.Track)
	}
	if l.Number > 0 {
		meta = append(meta, fmt.Sprintf("Lesson %d", l.Number))
	}
	meta = append(meta, l.Level, fmt.Sprintf("~%d min read", l.ReadTime))
	if len(l.Prerequisites) > 0 {
		meta = append(meta, "before this: "+strings.Join(l.Prerequisites, ", "))
	}
	m := widget.NewLabel(strings.Join(meta, " · "))
	m.Wrapping = fyne.TextWrapWord
	m.Importance = widget.LowImportance
	add(m)
	if l.Goal != "" {
		g := widget.NewLabel("After this lesson: " + l.Goal)
		g.Wrapping = fyne.TextWrapWord
		g.TextStyle.Italic = true
		add(g)
	}
	facts := s.st.facts()
	s.shownGen = facts
	for _, b := range l.Blocks {
		switch b.Kind {
		case lessons.BlockMarkdown:
			for _, o := range markdownPieces(lessons.Reflow(b.Markdown)) {
				add(o)
			}
		case lessons.BlockTable:
			add(container.NewPadded(newMarkdownTable(b.Table)))
		case lessons.BlockLive:
			add(s.liveCard(b.Live, facts))
		}
	}
	if terms := l.AllKeyTerms(); len(terms) > 0 {
		var md strings.Builder
		md.WriteString("## Key terms\n\n")
		for _, k := range terms {
			fmt.Fprintf(&md, "- **%s**: %s\n", k.Term, k.Meaning)
		}
		for _, o := range markdownPieces(md.String()) {
			add(o)
		}
	}
	if l.QuizSet == nil {
		add(widget.NewLabel("This lesson has no quiz."))
	}
	src := widget.NewLabel("Source: " + l.Source)
	src.Importance = widget.LowImportance
	add(src)
	s.filler.fill(s.a, s.page, objs, lessonBatch)
	s.scroll.ScrollToTop()
}

// liveCard is an "On this machine" line with a link to the Compare screen.
func (s *lessonScreen) liveCard(topic string, f lessons.Facts) fyne.CanvasObject {
	text, measured := lessons.OnThisMachine(topic, f)
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	if !measured {
		l.Importance = widget.WarningImportance
	}
	s.live = append(s.live, l)
	compare := widget.NewButtonWithIcon("Compare", theme.NavigateNextIcon(), func() { s.a.showScreen(screenCompare) })
	if !s.a.hasScreen("Compare") {
		compare.Disable()
	}
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	icon := widget.NewIcon(theme.ComputerIcon())
	return container.NewStack(bg, container.NewBorder(nil, nil, icon, container.NewCenter(compare), l))
}

// renderFolder shows where instructor lessons go and what is wrong with any of them.
func (s *lessonScreen) renderFolder() {
	s.folder.RemoveAll()
	c := s.st.catalog
	head := widget.NewRichTextFromMarkdown("### Instructor lessons folder")
	s.folder.Add(head)
	if c.Dir == "" {
		s.folder.Add(widget.NewLabel("No user config folder was found, so instructor lessons cannot be loaded."))
	} else {
		path := widget.NewLabel(c.Dir)
		path.TextStyle.Monospace = true
		path.Wrapping = fyne.TextWrapBreak
		s.folder.Add(path)
		var status string
		switch {
		case c.DirMissing:
			status = "This folder does not exist yet. Create it and put lesson files (.md, with a quiz .quiz.yaml beside each) in it, then press Reload. `slmscope lessons check` validates it."
		default:
			n := 0
			for _, l := range c.Lessons {
				if l.Source != "built-in" {
					n++
				}
			}
			status = fmt.Sprintf("%d lessons loaded from this folder, %d problems.", n, len(c.Errors))
		}
		st := widget.NewLabel(status)
		st.Wrapping = fyne.TextWrapWord
		s.folder.Add(st)
	}
	for _, e := range c.Errors {
		l := widget.NewLabel("• " + e.Error())
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.DangerImportance
		s.folder.Add(l)
	}
	if n := len(c.Errors); n > 0 {
		s.alert.SetText(fmt.Sprintf("%d problems in the instructor lessons folder: the other lessons loaded. Details at the end of the page.", n))
		s.alert.Show()
	} else {
		s.alert.Hide()
	}
	if s.top != nil {
		s.top.Refresh()
	}
	s.folder.Refresh()
}

// hasScreen says whether a screen with this title exists (for links between screens).
func (a *App) hasScreen(title string) bool {
	for _, e := range a.screens {
		if e.title == title {
			return true
		}
	}
	return false
}
