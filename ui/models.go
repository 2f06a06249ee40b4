package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/internal/units"
)

// The Compare screen's "On this machine" tab: the GGUF models already on this machine
// (engine/localmodels: Ollama, Hugging Face, LM Studio, llama.cpp, slmscope's downloads and
// folders the user added), each with what it is and how it would run here before anything
// loads it; one click measures it or opens it in Live run. The "Get a real model" card
// (getmodel.go) downloads the built-in instruct model.

// prefModelDirs remembers the folders the user added (paths, never labels).
const prefModelDirs = "models.dirs"

// modelsSource is where the tab gets models, downloads and measurements; tests swap in an
// environment of temporary folders and an httptest hub.
type modelsSource struct {
	scan     func(ctx context.Context, dirs []string) ([]engine.LocalModel, error)
	download func(ctx context.Context, req engine.DownloadRequest, progress func(engine.DownloadProgress)) (engine.DownloadResult, error)
	// endpoint is the Hugging Face endpoint ("" = HF_ENDPOINT, else the hub).
	endpoint string
	// measure benches a model file and returns its run-history entry.
	measure func(ctx context.Context, path string, progress func(string)) (engine.Run, error)
	history func() ([]engine.Run, error)
	// pace checks the machine's pace after a measurement outside its projected band (nil:
	// never).
	pace paceFunc
}

// localRow is one scanned model with what is known before loading it.
type localRow struct {
	model    engine.LocalModel
	before   engine.BeforeLoading
	measured *engine.Run // the newest run of this file on this machine
}

// modelsTab is the "On this machine" tab's state; widgets are touched on the UI goroutine.
type modelsTab struct {
	a     *App
	src   modelsSource
	spawn func(func())

	view     fyne.CanvasObject
	status   *widget.Label
	list     *fyne.Container
	dirsNote *widget.Label
	rescan   *widget.Button
	forget   *widget.Button
	get      *getModelCard

	rows      []localRow
	state     engine.MachineState
	rev       int // machine revision the rows were judged against (-1: none)
	gen       int // scan generation: only the newest is shown
	scans     int // scans shown, for tests
	measuring engine.ModelKey
	cancel    context.CancelFunc
}

// realModelsSource scans the usual stores of this user.
func realModelsSource(a *App) modelsSource {
	workers := a.session.Options
	return modelsSource{
		scan: func(ctx context.Context, dirs []string) ([]engine.LocalModel, error) {
			return engine.ScanLocalModels(ctx, engine.LocalModelsOptions{Dirs: dirs})
		},
		download: engine.Download,
		measure: func(ctx context.Context, path string, progress func(string)) (engine.Run, error) {
			st, _ := a.machine.Current()
			return measureFile(ctx, workers, st.Key, path, progress)
		},
		history: func() ([]engine.Run, error) {
			rs, _, err := engine.LoadRunHistory()
			return rs, err
		},
		pace: realPace(a),
	}
}

func newModelsTab(a *App, src modelsSource, spawn func(func())) *modelsTab {
	a.hub()
	m := &modelsTab{a: a, src: src, spawn: spawn, rev: -1}
	m.buildUI()
	a.observeMachine(m.onMachine)
	if m.rev < 0 { // the machine is not known yet: list and project without it for now
		m.scan()
		m.get.onMachine(m.state)
	}
	return m
}

func (m *modelsTab) buildUI() {
	m.status = widget.NewLabel("Looking for models on this machine…")
	m.status.Wrapping = fyne.TextWrapWord
	m.rescan = widget.NewButtonWithIcon("Look again", theme.ViewRefreshIcon(), m.scan)
	add := widget.NewButtonWithIcon("Add folder…", theme.FolderOpenIcon(), m.onAddFolder)
	m.forget = widget.NewButtonWithIcon("Forget added folders", theme.ContentClearIcon(), m.onForgetFolders)
	m.dirsNote = widget.NewLabel("")
	m.dirsNote.Wrapping = fyne.TextWrapWord
	m.dirsNote.Importance = widget.LowImportance
	m.showDirs()
	m.list = container.NewVBox()
	m.get = newGetModelCard(m)
	// One scroll for all: on a projector-sized window the list still gets the whole height.
	m.view = container.NewVScroll(container.NewVBox(m.get.card, container.NewHBox(m.rescan, add, m.forget), m.dirsNote, m.status, m.list))
}

// dirs are the folders the user added.
func (m *modelsTab) dirs() []string {
	return m.a.fyne.Preferences().StringListWithFallback(prefModelDirs, nil)
}

func (m *modelsTab) showDirs() {
	d := m.dirs()
	text := "Looked in: Ollama, Hugging Face, LM Studio and llama.cpp caches, slmscope's downloads (" + engine.ModelsDir() + ") and " + engine.EnvModelDirs + "."
	if len(d) > 0 {
		text += " Added folders: " + strings.Join(d, ", ") + "."
		m.forget.Enable()
	} else {
		m.forget.Disable()
	}
	m.dirsNote.SetText(text)
}

func (m *modelsTab) onAddFolder() {
	dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		m.addFolder(u.Path())
	}, m.a.win)
}

// addFolder remembers dir and looks again.
func (m *modelsTab) addFolder(dir string) {
	d := append([]string{dir}, removeString(m.dirs(), dir)...)
	m.a.fyne.Preferences().SetStringList(prefModelDirs, d)
	m.showDirs()
	m.scan()
}

func (m *modelsTab) onForgetFolders() {
	m.a.fyne.Preferences().SetStringList(prefModelDirs, nil)
	m.showDirs()
	m.scan()
}

// onMachine judges the rows again when the machine is first known or its calibration
// changes.
func (m *modelsTab) onMachine(st engine.MachineState) {
	m.get.onMachine(st)
	if st.Revision == m.rev {
		return
	}
	m.state, m.rev = st, st.Revision
	m.scan()
}

// applyRows shows a finished scan.
func (m *modelsTab) applyRows(gen int, rows []localRow, err error) {
	if gen != m.gen {
		return
	}
	m.scans++
	m.rescan.Enable()
	if err != nil {
		m.status.SetText("Could not look for models: " + err.Error())
		return
	}
	m.rows = rows
	ok := 0
	for _, r := range rows {
		if r.model.OK() {
			ok++
		}
	}
	switch {
	case len(rows) == 0:
		m.status.SetText("No GGUF models found on this machine yet. Get the built-in one above, add a folder that holds .gguf files, or open a file in Live run.")
	case ok == len(rows):
		m.status.SetText(fmt.Sprintf("%s found. Each shows what it needs here before anything loads it.", units.Count(len(rows), "model")))
	default:
		m.status.SetText(fmt.Sprintf("%s found, %d of them unusable (their problem is shown; they are never loaded).", units.Count(len(rows), "model"), len(rows)-ok))
	}
	m.list.RemoveAll()
	for _, r := range rows {
		m.list.Add(m.rowView(r))
	}
}

// rowView is one model's card: name and source, size and type mix, memory need against this
// machine, projected and measured speed, and its buttons; or its problem.
func (m *modelsTab) rowView(r localRow) fyne.CanvasObject {
	md := r.model
	title := widget.NewLabelWithStyle(md.Name+"  ·  "+string(md.Source), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	what := []string{units.Bytes(md.Bytes)}
	if r.before.Mix != "" {
		what = append(what, r.before.Mix)
	} else if md.Quant != "" {
		what = append(what, md.Quant)
	}
	if md.Params > 0 {
		what = append(what, units.Params(int64(md.Params))+" parameters")
	}
	if md.Arch != "" {
		what = append(what, md.Arch)
	}
	lines := []fyne.CanvasObject{title, noteLabel(strings.Join(what, " · "), widget.MediumImportance)}
	if !md.OK() {
		lines = append(lines, noteLabel("Not usable: "+md.Problem, widget.DangerImportance))
		return widget.NewCard("", "", container.NewVBox(lines...))
	}
	mem := noteLabel("Memory: "+r.before.MemoryText(), fitImportance(r.before))
	lines = append(lines, mem)
	if s := r.before.SpeedText(); s != "" {
		lines = append(lines, noteLabel("Generation speed: "+s, widget.MediumImportance))
	}
	lines = append(lines, noteLabel(capitalize(r.before.Basis)+".", widget.LowImportance))
	if r.measured != nil {
		lines = append(lines, noteLabel(fmt.Sprintf("Measured here: %s after a %d-token prompt (peak memory %s)", r.measured.Describe(), r.measured.PromptTokens, units.Bytes(r.measured.PeakRSSBytes)), widget.SuccessImportance))
	}
	key := engine.FileKey(md.Path)
	measure := widget.NewButtonWithIcon("Measure", theme.MediaPlayIcon(), func() { m.onMeasure(md) })
	open := widget.NewButtonWithIcon("Open in Live run", theme.MailForwardIcon(), func() { m.openInLive(md.Path) })
	if !m.measuring.IsZero() {
		measure.Disable()
		if m.measuring == key {
			measure.SetText("Measuring…")
		}
	}
	lines = append(lines, container.NewHBox(measure, open))
	return widget.NewCard("", "", container.NewVBox(lines...))
}

// fitImportance colours the memory line by the fit verdict.
func fitImportance(b engine.BeforeLoading) widget.Importance {
	switch {
	case b.Verdict.Fits && b.Verdict.Tight:
		return widget.WarningImportance
	case b.Verdict.Fits:
		return widget.SuccessImportance
	case b.Verdict.Sentence != "" && strings.HasPrefix(b.Verdict.Sentence, "does not fit"):
		return widget.DangerImportance
	}
	return widget.MediumImportance
}

// noteLabel is a word-wrapped label of importance imp.
func noteLabel(text string, imp widget.Importance) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = imp
	return l
}

// openInLive shows the Live run screen with the file chosen.
func (m *modelsTab) openInLive(path string) {
	m.a.rememberLiveFile(path)
	m.a.fyne.Preferences().SetString(prefLiveModel, string(engine.FileKey(path)))
	m.a.showScreen(screenLiveRun)
	if m.a.openInLive != nil {
		m.a.openInLive(path)
	}
}

// modelsTabView builds the Compare screen's "On this machine" tab (tests build it with
// their own source through newModelsTab).
func (s *compareScreen) modelsTabView() fyne.CanvasObject {
	if s.models == nil {
		s.models = newModelsTab(s.a, realModelsSource(s.a), s.spawn)
	}
	return s.models.view
}
