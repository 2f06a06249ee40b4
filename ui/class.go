package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/internal/units"
	"slmscope/ui/chartview"
)

// prefClassDir remembers the class folder.
const prefClassDir = "class.dir"

// classEvery is how often the class folder is looked at for new, changed or removed files.
const classEvery = 2 * time.Second

// classScreen is the Class screen: a folder of result files from every machine in the room,
// added up, refreshed as files land; and "Save my results…" for this machine.
type classScreen struct {
	a     *App
	spawn func(func()) // runs work off the UI goroutine (class_job.go)
	view  fyne.CanvasObject

	label   *widget.Entry
	dir     *widget.Entry
	status  *widget.Label
	summary *widget.Label
	chart   *chartview.View
	table   *fyne.Container
	refused *widget.Label

	shown   engine.Class // the class on screen (kept when the folder disappears)
	hasData bool
	watch   *classWatch   // the folder being watched (nil: none)
	every   time.Duration // how often to look (0 = classEvery; tests shorten it)
}

func buildClassScreen(a *App) fyne.CanvasObject { return newClassScreen(a).buildUI() }

func newClassScreen(a *App) *classScreen {
	a.hub()
	return &classScreen{a: a, spawn: func(f func()) { go f() }}
}

func (s *classScreen) buildUI() fyne.CanvasObject {
	s.label = widget.NewEntry()
	s.label.SetPlaceHolder("optional, e.g. Desk 4 (no names needed)")
	save := widget.NewButtonWithIcon("Save my results…", theme.DocumentSaveIcon(), s.onSave)
	save.Importance = widget.HighImportance
	mine := widget.NewLabel("One small signed file with this machine's hardware summary (no host name, user name or paths), calibration, measured runs and your predictions.")
	mine.Wrapping = fyne.TextWrapWord
	mine.Importance = widget.LowImportance

	s.dir = widget.NewEntry()
	s.dir.SetPlaceHolder("folder of result files, e.g. a USB stick or a shared folder")
	s.dir.OnSubmitted = func(string) { s.openFolder(strings.TrimSpace(s.dir.Text)) }
	choose := widget.NewButtonWithIcon("Choose folder…", theme.FolderOpenIcon(), s.onChoose)
	report := widget.NewButtonWithIcon("Open report", theme.DocumentIcon(), s.onReport)

	s.status = widget.NewLabel("Point at a folder of result files (everyone's \"Save my results…\") to see the whole room.")
	s.status.Wrapping = fyne.TextWrapWord
	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord
	s.summary.Hide()
	s.chart = chartview.New(engine.Class{}.SpeedChart())
	s.chart.Hide()
	s.table = container.NewVBox()
	s.refused = widget.NewLabel("")
	s.refused.Wrapping = fyne.TextWrapWord
	s.refused.Importance = widget.WarningImportance
	s.refused.Hide()

	top := container.NewVBox(
		widget.NewForm(widget.NewFormItem("Name on the class view", container.NewBorder(nil, nil, nil, save, s.label))),
		mine, widget.NewSeparator(),
		widget.NewForm(widget.NewFormItem("Class folder", container.NewBorder(nil, nil, nil, container.NewHBox(choose, report), s.dir))),
		s.status)
	body := container.NewVBox(s.summary, s.chart, s.table, s.refused)
	s.view = container.NewBorder(top, nil, nil, nil, container.NewVScroll(container.NewPadded(body)))
	if d := s.a.fyne.Preferences().String(prefClassDir); d != "" {
		s.dir.SetText(d)
		s.openFolder(d)
	}
	return s.view
}

// openFolder starts watching dir (replacing any folder watched before).
func (s *classScreen) openFolder(dir string) {
	if dir == "" {
		s.status.SetText("Type or choose a folder of result files first.")
		return
	}
	s.stopWatching()
	s.a.fyne.Preferences().SetString(prefClassDir, dir)
	s.hasData = false
	s.status.SetText("Reading " + dir + "…")
	s.watch = s.startWatch(dir)
}

func (s *classScreen) onChoose() {
	dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			dialog.ShowError(err, s.a.win)
			return
		}
		if u == nil {
			return
		}
		s.dir.SetText(u.Path())
		s.openFolder(u.Path())
	}, s.a.win)
}

// applyClass shows a freshly read class (on the UI goroutine).
func (s *classScreen) applyClass(c engine.Class) {
	s.shown, s.hasData = c, true
	left := len(c.Rejected) + len(c.Superseded)
	s.status.SetText(fmt.Sprintf("%s from %s, read at %s; %s left out. Watching for new files every %s.",
		units.Count(len(c.Machines), "machine"), c.Dir, c.Read.Local().Format("15:04:05"), units.Count(left, "file"), classEvery))
	var lines []string
	for _, cr := range c.CanRun {
		lines = append(lines, "How many machines in this room can run "+cr.String()+" (slmscope's fit rule on each machine's own memory).")
	}
	lines = append(lines, c.MedianText(), "Predict, then measure — the class: "+c.Predictions.Summary()+".")
	for _, p := range c.RPC {
		if p.Machines > 0 {
			lines = append(lines, fmt.Sprintf("%s %s over llama.cpp RPC: %d machines (%s).", p.Model, p.Quant, p.Machines, p.Label))
		}
	}
	s.summary.SetText(strings.Join(lines, "\n"))
	s.summary.Show()
	if c.Speed != nil {
		s.chart.SetChart(c.SpeedChart())
		s.chart.Show()
	} else {
		s.chart.Hide()
	}
	s.table.RemoveAll()
	if len(c.Machines) > 0 {
		t := c.MachinesTable()
		s.table.Add(widget.NewLabelWithStyle(t.Caption, fyne.TextAlignLeading, fyne.TextStyle{Italic: true}))
		s.table.Add(newMarkdownTable(tableFromRows(t.Header, t.Rows)))
	}
	var refused []string
	for _, r := range append(append([]engine.ClassRejected(nil), c.Rejected...), c.Superseded...) {
		refused = append(refused, "⚠ "+r.File+": "+r.Reason)
	}
	s.refused.SetText(strings.Join(refused, "\n"))
	s.refused.Hidden = len(refused) == 0
	s.refused.Refresh()
}

// showGone says the folder cannot be read, keeping what was read last on screen.
func (s *classScreen) showGone(err error) {
	line := "⚠ " + err.Error()
	if s.hasData {
		line += fmt.Sprintf(" Showing the %d machines read at %s; the view comes back by itself when the folder does.", len(s.shown.Machines), s.shown.Read.Local().Format("15:04:05"))
	}
	s.status.SetText(line)
}

// labelText is the label typed for this machine, checked.
func (s *classScreen) labelText() (string, error) {
	l := strings.TrimSpace(s.label.Text)
	return l, engine.CheckResultLabel(l)
}
