package ui

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/hwprobe"
	"slmscope/ui/chartview"
)

// Preferences the Compare screen remembers.
const (
	prefCompareContext  = "compare.context"
	prefCompareQuants   = "compare.quants"
	prefCompareKWh      = "compare.price_per_kwh"
	prefCompareCurrency = "compare.currency"
	prefCompareHWPrice  = "compare.hardware_price"
	prefCompareLifetime = "compare.lifetime_years"
	prefCompareHours    = "compare.hours_per_day"
)

// Quant selector choices besides the single quantizations.
const (
	quantsDefault = "BF16 · Q8_0 · Q4_K_M + measured"
	quantsAll     = "All quantizations"
)

// compareChartHeight is each chart's height on the Charts tab.
const compareChartHeight = 560

// compareContexts are the context lengths offered.
var compareContexts = []string{"1024", "2048", "4096", "8192", "16384", "32768", "65536", "131072"}

// colMeasure is the table's first column, the per-row Measure button; the report's columns
// follow it.
const colMeasure = 0

// compareScreen answers "SLM vs LLM on my machine": every catalog model × quant with memory,
// fit, speed, time to first token and cost, measured or projected; the charts; the
// leave-one-out validation; cost settings and API prices; and the HTML report.
type compareScreen struct {
	a     *App
	src   compareSource
	spawn func(func()) // runs work off the UI goroutine (tests may run it inline)
	ctx   context.Context
	stop  context.CancelFunc

	// State, touched only on the UI goroutine.
	reveal      rowReveal             // the table's rows coming on screen in turns (compare_reveal.go)
	cells       [][]string            // each row's cell texts, by row (rowCells)
	cellTheme   map[*widget.Label]int // the theme generation each cell was last drawn under
	cuts        map[cutKey]string     // texts cut to their column's width (compare_cut.go)
	loaded      bool
	hw          *hwprobe.Report
	spec        engine.MachineSpec
	key         string
	cal         engine.Calibration
	pricesTable engine.PriceTable
	loadNotes   []string  // problems reading the prices
	guess       *guessBox // predict, then measure: the learner's guess for the next ▶
	data        engine.ReportData
	rows        []engine.Projection // data.Projections in table order
	sortCol     engine.Column
	sortDesc    bool
	gen         int // bumps on every recompute; stale results are dropped
	busy        bool
	cancel      context.CancelFunc
	measure     engine.ModelKey                    // the row being measured
	selected    engine.ModelKey                    // the row whose basis is shown
	canMeasure  map[engine.ModelKey]measureVerdict // per row, computed with the projections
	selCol      int                                // the column tapped in it (its full text heads the detail)
	state       engine.MachineState
	revision    int // the machine revision the projections were computed for

	view       fyne.CanvasObject
	status     *widget.Label
	machineTxt *widget.Label
	measureBtn *widget.Button
	cancelBtn  *widget.Button
	progress   *widget.ProgressBar
	busyRow    *fyne.Container // the bar and Cancel, on show while a measurement runs
	progressTx *widget.Label
	ctxSel     *widget.Select
	quantSel   *widget.Select
	exportBtn  *widget.Button
	browserBtn *widget.Button
	table      *widget.Table
	colWidths  []float32 // the widths fitColumns last gave the columns
	detail     *widget.Label
	detailSc   *container.Scroll
	charts     []*chartview.View
	validation *fyne.Container
	priceBox   *fyne.Container
	kwh        *widget.Entry
	currency   *widget.Entry
	hwPrice    *widget.Entry
	lifetime   *widget.Entry
	hours      *widget.Entry
	costNote   *widget.Label
	models     *modelsTab      // the "On this machine" tab (models.go)
	answer     *answerView     // the Answer tab (compare_answer.go)
	toolbar    *fyne.Container // Measure, context, quantization, actions (compare_toolbar.go)
	reportBtn  *widget.Button  // the menu of Export and Open in browser
	notes      *fyne.Container // the status and machine lines
	tabs       *container.AppTabs
	staleTabs  [numCompareTabs]bool      // tabs that lag s.data (compare_lazy.go)
	heldTabs   map[int]fyne.CanvasObject // tabs not yet on show, by index (compare_lazy.go)
	// priceFill and validationFill put those tabs' tables on screen one per turn (turns.go).
	priceFill, validationFill turnFiller
}

func newCompareScreen(a *App) fyne.CanvasObject {
	return newCompareScreenWith(a, realCompareSource(a), func(f func()) { go f() }).view
}

// newCompareScreenWith builds the screen and starts loading the machine and calibration.
func newCompareScreenWith(a *App, src compareSource, spawn func(func())) *compareScreen {
	a.hub()
	s := &compareScreen{a: a, src: src, spawn: spawn, sortCol: engine.ColParams}
	s.ctx, s.stop = context.WithCancel(context.Background())
	if src.saveCal != nil {
		a.machine.Save = func(_ string, c engine.Calibration) error { return src.saveCal(c) }
	}
	s.buildUI()
	s.observeMachine()
	s.load()
	return s
}

// buildUI makes the Compare screen: its status and controls, and the tabs that answer,
// tabulate, chart, validate and cost the projections.
func (s *compareScreen) buildUI() {
	p := s.a.fyne.Preferences()
	s.newStatusWidgets()
	s.newSettingControls(p)
	tableTab := s.buildTableTab()
	chartsTab := s.buildChartsTab()

	s.validation = container.NewVBox()
	validationTab := container.NewVScroll(s.validation)
	costTab := s.buildCostTab(p)

	s.answer = newAnswerView(s)
	tabs := container.NewAppTabs(
		container.NewTabItemWithIcon("Answer", theme.ListIcon(), s.answer),
		container.NewTabItemWithIcon("Table", theme.GridIcon(), tableTab),
		container.NewTabItemWithIcon("Charts", theme.ViewFullScreenIcon(), chartsTab),
		container.NewTabItemWithIcon("Validation", theme.ConfirmIcon(), validationTab),
		container.NewTabItemWithIcon("Cost", theme.StorageIcon(), costTab),
		container.NewTabItemWithIcon("On this machine", theme.ComputerIcon(), s.modelsTabView()),
	)
	s.watchTabs(tabs)
	s.buildToolbar()
	s.view = container.NewBorder(s.toolbar, s.notes, nil, nil, tabs)
	s.a.onPresenter(s.setPresenter)
	s.a.onShown(screenCompare, s.onShown)
}

func floatText(v float64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func (s *compareScreen) costEntry(text string) *widget.Entry {
	e := widget.NewEntry()
	e.SetText(text)
	e.OnChanged = func(string) { s.onSettingsChanged() }
	return e
}

// settings reads the selectors and cost fields; bad cost input is reported, not guessed.
func (s *compareScreen) settings() (ctxLen int, quants []engine.Quant, cost engine.CostSettings, problem string) {
	ctxLen, _ = strconv.Atoi(s.ctxSel.Selected)
	if ctxLen <= 0 {
		ctxLen = engine.DefaultContext
	}
	switch q := s.quantSel.Selected; q {
	case quantsAll:
		quants = engine.ProjectedQuants()
	case quantsDefault, "":
		quants = engine.QuantsFor(s.cal)
	default:
		quants = []engine.Quant{engine.CanonicalQuant(q)}
	}
	cost = engine.DefaultCostSettings()
	var bad []string
	num := func(e *widget.Entry, name string, dst *float64) {
		t := strings.TrimSpace(strings.ReplaceAll(e.Text, ",", "."))
		if t == "" {
			return
		}
		v, err := strconv.ParseFloat(t, 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			bad = append(bad, name)
			return
		}
		*dst = v
	}
	num(s.kwh, "electricity price", &cost.PricePerKWh)
	num(s.hwPrice, "hardware price", &cost.HardwarePrice)
	num(s.lifetime, "lifetime", &cost.LifetimeYears)
	num(s.hours, "hours per day", &cost.HoursPerDay)
	if c := strings.TrimSpace(s.currency.Text); c != "" {
		cost.Currency = c
	}
	if cost.HoursPerDay > 24 {
		bad = append(bad, "hours per day (at most 24)")
	}
	if len(bad) > 0 {
		problem = "Not a usable number: " + strings.Join(bad, ", ") + ". Type a plain number such as 0.30; the other settings still apply."
	}
	return ctxLen, quants, cost, problem
}

// onSettingsChanged remembers the settings and recomputes the projections.
func (s *compareScreen) onSettingsChanged() {
	if s.costNote == nil || s.hours == nil {
		return // still building the UI
	}
	ctxLen, _, cost, problem := s.settings()
	p := s.a.fyne.Preferences()
	p.SetInt(prefCompareContext, ctxLen)
	p.SetString(prefCompareQuants, s.quantSel.Selected)
	p.SetFloat(prefCompareKWh, cost.PricePerKWh)
	p.SetString(prefCompareCurrency, cost.Currency)
	p.SetFloat(prefCompareHWPrice, cost.HardwarePrice)
	p.SetFloat(prefCompareLifetime, cost.LifetimeYears)
	p.SetFloat(prefCompareHours, cost.HoursPerDay)
	s.costNote.SetText(problem)
	s.recompute()
}

// input is the report input for the current state and settings.
func (s *compareScreen) input() engine.ReportInput {
	ctxLen, quants, cost, _ := s.settings()
	return engine.ReportInput{Hardware: s.hw, Machine: s.spec, Calibration: s.cal, Models: engine.CatalogModels(),
		Quants: quants, Context: ctxLen, PromptTokens: engine.DefaultPromptTokens, Cost: cost, Prices: s.pricesTable}
}

// recompute projects again off the UI goroutine; only the newest result is shown.
func (s *compareScreen) recompute() {
	if !s.loaded {
		return
	}
	s.gen++
	job := &compareProjectJob{s: s, gen: s.gen, in: s.input(), state: s.state}
	s.spawn(job.run)
}

// applyData shows a computed report (on the UI goroutine).
func (s *compareScreen) applyData(gen int, d engine.ReportData, can map[engine.ModelKey]measureVerdict) {
	if gen != s.gen {
		return
	}
	s.data, s.canMeasure = d, can
	s.answer.setData(d.Projections)
	s.sortRows()
	// New figures in every visible cell: a few rows per turn (compare_reveal.go), then the
	// chosen row is selected, and so scrolled to, again.
	s.revealRows(s.reselect)
	s.markTabsStale() // charts, validation and prices are filled when their tab is shown
	if _, _, _, problem := s.settings(); problem == "" {
		s.costNote.SetText(powerNote(d))
	}
	s.showStatus()
	s.exportBtn.Enable()
	s.browserBtn.Enable()
}

// load probes the machine and reads the cached calibration and prices.
func (s *compareScreen) load() {
	job := &compareLoadJob{s: s}
	s.spawn(job.run)
}

// onMeasureMachine runs the twin ladder within the default 90 s budget.
func (s *compareScreen) onMeasureMachine() {
	if s.busy || !s.loaded {
		return
	}
	ctx := s.startBusy("Starting the calibration: a ladder of twins from small to large, " + engine.CalibrationTime + "…")
	job := &compareCalibrateJob{s: s, ctx: ctx, spec: s.spec, key: s.key, budget: 90 * time.Second}
	s.spawn(job.run)
}
