package ui

import (
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
)

// The Compare table: one row per catalog model and quant, sortable, with a ▶ per row that
// measures its twin.

// reportCol maps a table column to the report column it shows.
func reportCol(tableCol int) engine.Column { return engine.Column(tableCol - 1) }

// sortRows orders the rows by the chosen column (stable, then by size and quant).
func (s *compareScreen) sortRows() {
	s.rows = append(s.rows[:0], s.data.Projections...)
	s.cells = nil
	col, desc := s.sortCol, s.sortDesc
	sort.SliceStable(s.rows, func(i, j int) bool {
		a, b := s.rows[i], s.rows[j]
		an, at := engine.SortKey(a, col)
		bn, bt := engine.SortKey(b, col)
		if an == bn && at == bt {
			if a.Params != b.Params {
				return a.Params < b.Params
			}
			return a.Quant < b.Quant
		}
		less := an < bn || (an == bn && at < bt)
		if desc {
			return !less
		}
		return less
	})
}

// onSort sorts by a column; a second tap reverses the order.
func (s *compareScreen) onSort(col engine.Column) {
	if s.sortCol == col {
		s.sortDesc = !s.sortDesc
	} else {
		s.sortCol, s.sortDesc = col, false
	}
	s.sortRows()
	s.table.Refresh()
}

// tableSize is the table's rows and columns: the rows revealed so far (compare_reveal.go).
func (s *compareScreen) tableSize() (int, int) {
	return s.reveal.limit(len(s.rows)), int(engine.NumColumns) + 1
}

func (s *compareScreen) newCell() fyne.CanvasObject {
	l := widget.NewLabel("cell") // cut to the column by cutText, not by Fyne (compare_cut.go)
	b := widget.NewButtonWithIcon("", theme.MediaPlayIcon(), nil)
	b.Hide()
	return container.NewStack(l, b)
}

func (s *compareScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	st := o.(*fyne.Container)
	l, b := st.Objects[0].(*widget.Label), st.Objects[1].(*widget.Button)
	if id.Row < 0 || id.Row >= len(s.rows) {
		return
	}
	p := s.rows[id.Row]
	if id.Col == colMeasure {
		l.Hide()
		b.Show()
		ok, _ := s.measurable(p)
		key := p.Key()
		switch {
		case s.measure == key:
			b.SetIcon(theme.ViewRefreshIcon()) // this row is being measured
		case p.Source == engine.SourceMeasured:
			b.SetIcon(theme.MediaReplayIcon()) // measure again
		default:
			b.SetIcon(theme.MediaPlayIcon())
		}
		if ok && !s.busy {
			b.Enable()
		} else {
			b.Disable()
		}
		b.OnTapped = func() { s.onMeasureRow(p) }
		return
	}
	b.Hide()
	l.Show()
	text := s.rowCells(id.Row)[reportCol(id.Col)]
	imp := widget.MediumImportance
	switch reportCol(id.Col) {
	case engine.ColSource:
		if p.Source == engine.SourceMeasured {
			imp = widget.SuccessImportance
		} else if !p.Calibrated {
			imp = widget.WarningImportance
		}
	case engine.ColFits:
		if !p.Fits {
			imp = widget.DangerImportance
		}
	}
	// A cell scrolled back into view, or the same row after a recompute, often shows what it
	// already shows: refreshing it again re-measures its text (compare_cut.go).
	s.setLabel(l, s.cutText(text, id.Col, false), imp)
}

// rowCells is row i's cell texts, formatted once per sort (sortRows empties the cache).
func (s *compareScreen) rowCells(i int) []string {
	if len(s.cells) != len(s.rows) {
		s.cells = make([][]string, len(s.rows))
	}
	if s.cells[i] == nil {
		c := engine.Cells(s.rows[i])
		s.cells[i] = c[:]
	}
	return s.cells[i]
}

// newHeaderCell is a column header: a button to sort by, under a bold title that ends in "…"
// when the column is narrower than it (a button's own text would spill into the next column).
func newHeaderCell() fyne.CanvasObject {
	l := widget.NewLabel("column")
	l.TextStyle.Bold = true
	l.Alignment = fyne.TextAlignCenter // cut to the column by cutText (compare_cut.go)
	return container.NewStack(widget.NewButton("", nil), l)
}

func (s *compareScreen) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	cell := o.(*fyne.Container)
	b, l := cell.Objects[0].(*widget.Button), cell.Objects[1].(*widget.Label)
	if id.Col < 0 {
		return
	}
	if id.Col == colMeasure {
		s.setLabel(l, s.cutText("Run", id.Col, true), widget.MediumImportance)
		b.OnTapped = nil
		return
	}
	col := reportCol(id.Col)
	t := engine.ColumnTitle(col, s.data.Input.PromptTokens)
	if col == s.sortCol { // the arrow first: a narrow column cuts the end of its title
		if s.sortDesc {
			t = "▼ " + t
		} else {
			t = "▲ " + t
		}
	}
	s.setLabel(l, s.cutText(t, id.Col, true), widget.MediumImportance)
	b.OnTapped = func() { s.onSort(col) }
}

// measurable says whether the row's twin can be written and run here, or why not. The
// verdicts are computed with the projections, off the UI goroutine (compareProjectJob), so
// refreshing a cell does not run the fit rule.
func (s *compareScreen) measurable(p engine.Projection) (bool, string) {
	if v, ok := s.canMeasure[p.Key()]; ok {
		return v.ok, v.why
	}
	return measurableOn(s.state, p)
}

// measureVerdict is measurableOn's answer for one row.
type measureVerdict struct {
	ok  bool
	why string
}

// measurableOn says whether p's twin can be written and run on the machine st: the twin must
// exist in that quantization and pass the one fit rule at the context a run uses.
func measurableOn(st engine.MachineState, p engine.Projection) (bool, string) {
	q, err := engine.ParseTwinQuant(string(p.Quant))
	if err != nil {
		return false, fmt.Sprintf("no twin is written in %s (twins come in %s)", p.Quant, engine.JoinQuants(engine.TwinQuants(), ", "))
	}
	m, ok := engine.CatalogModelByID(p.ID)
	if !ok {
		return false, "not a catalog model"
	}
	v, err := st.Fit(m, q, engine.TwinRunContext)
	if err != nil {
		return false, err.Error()
	}
	if !v.Fits && v.Placement != engine.PlaceUnknown {
		return false, fmt.Sprintf("at the %d-token context a run uses, it %s", engine.TwinRunContext, v.Sentence)
	}
	return true, ""
}

// showDetail explains one row: fit sentence, speed, memory and cost basis.
func (s *compareScreen) showDetail(p engine.Projection) {
	s.detail.SetText(s.detailText(p, s.selCol))
}

// detailText is what is known about p and how: its badge, the tapped table column in full
// (col, or -1 for none), speed with its band, fit, memory breakdown, time to first token,
// the bases, and why it cannot be measured here if it cannot.
func (s *compareScreen) detailText(p engine.Projection, col int) string {
	q := string(p.Quant)
	if aq := engine.AnswerQuant(p); aq != q { // the answer's name, then llama.cpp's (the table's)
		q = fmt.Sprintf("%s (llama.cpp's %s)", aq, q)
	}
	lines := []string{fmt.Sprintf("%s %s — %s", p.Name, q, engine.Badge(p))}
	if col > colMeasure && col <= int(engine.NumColumns) {
		// The tapped cell in full: a narrow column may have cut it short.
		c := reportCol(col)
		lines = append(lines, engine.ColumnTitle(c, s.data.Input.PromptTokens)+": "+engine.Cells(p)[c])
	}
	if col < 0 {
		speed := "Speed " + engine.AnswerSpeed(p)
		if b := engine.AnswerBand(p); b != "" {
			speed += ", band " + b + " tok/s"
		}
		if p.Device != "" {
			speed += " on " + p.Device
		}
		lines = append(lines, speed+"; first token after "+engine.TTFTText(p)+" for a "+
			fmt.Sprint(p.PromptTokens)+"-token prompt.", engine.ParamsText(p)+".", engine.MemoryBreakdown(p)+".")
	}
	if p.FitVerdict.Sentence != "" {
		lines = append(lines, p.FitVerdict.Sentence)
	}
	lines = append(lines, p.Basis, "Cost: "+p.Cost.Basis)
	if ok, why := s.measurable(p); !ok {
		lines = append(lines, "Cannot be measured here: "+why+".")
	}
	return strings.Join(lines, "\n")
}

// onMeasureRow benchmarks one row's twin and adds it to the calibration.
func (s *compareScreen) onMeasureRow(p engine.Projection) {
	if s.busy || !s.loaded {
		return
	}
	if err := s.guess.takeAtRun(); err != nil {
		s.progressTx.SetText("Your guess: " + err.Error())
		s.progressTx.Show()
		return
	}
	if ok, why := s.measurable(p); !ok {
		s.progressTx.SetText(fmt.Sprintf("%s %s cannot be measured here: %s.", p.Name, p.Quant, why))
		s.progressTx.Show()
		return
	}
	ctx := s.startBusy(fmt.Sprintf("Measuring the %s %s twin…", p.Name, p.Quant))
	s.measure = p.Key()
	s.table.Refresh()
	job := &compareMeasureJob{s: s, ctx: ctx, id: p.ID, name: p.Name, quant: p.Quant, spec: s.spec, key: s.key, row: p, guess: s.guess.atRun}
	if job.guess > 0 {
		job.store = s.a.lessonState().store // the prediction record lives with quiz progress
	}
	s.spawn(job.run)
}
