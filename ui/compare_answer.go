package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
)

// The Compare screen's Answer tab, the one it opens on: "what can this machine run?" as the
// catalog's models grouped by verdict (report.Answer), each once at its best quantization,
// with its full name and, in large type, speed, memory of available and time to first token,
// marked ● measured or ○ projected with its band. Tapping a model, or Enter on it, opens its
// detail under it; Up and Down move between models.

// answerView is the Answer tab: a focusable list of groups and models.
type answerView struct {
	widget.BaseWidget
	s      *compareScreen
	items  []engine.Projection // the models in the order shown
	cursor int                 // the model the arrow keys are on (-1: none yet)
	open   int                 // the model whose detail is open (-1: none)
	focus  bool

	box       *fyne.Container // answerLayout: column titles, headings, rows, the detail
	scroll    *container.Scroll
	titles    *answerRow
	headings  []*widget.Label
	rows      []*answerRow
	detail    *widget.Label
	big       bool // numbers in large type (off in presenter mode, where all text is large)
	emptyNote *widget.Label
	fillGen   int // the reveal under way (reveal)
	// widths holds columnWidths during one pass of answerLayout: each row's MinSize asks for
	// the columns, which measure every row, so a pass without it was quadratic in the rows
	// (201 ms for Compare's 39 rows at 1920×1080).
	widths *[answerCols]float32
	// planned is every column's width over all the rows of a reveal under way, measured from
	// their texts before they come on show, so the columns do not widen batch by batch; zero
	// once the last batch is on show, when the rows' own cells decide (columnWidths).
	planned [answerCols]float32
}

func newAnswerView(s *compareScreen) *answerView {
	v := &answerView{s: s, cursor: -1, open: -1, big: true}
	v.detail = widget.NewLabel("")
	v.detail.Wrapping = fyne.TextWrapWord
	v.emptyNote = widget.NewLabel("Looking at this machine…")
	v.emptyNote.Wrapping = fyne.TextWrapWord
	v.titles = newAnswerRow(v, -1)
	v.titles.setTexts([answerCols]string{"Model", "Quant", "Speed", "Source", "Memory", "1st token"}, true)
	v.box = container.New(&answerLayout{v: v}, v.emptyNote)
	v.scroll = container.NewScroll(v.box)
	v.ExtendBaseWidget(v)
	return v
}

// CreateRenderer implements fyne.Widget.
func (v *answerView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.scroll) }

// setData shows the models of d grouped by verdict; the cursor and an open detail stay on
// their model when it is still listed.
func (v *answerView) setData(ps []engine.Projection) {
	var cur, open string
	if v.cursor >= 0 && v.cursor < len(v.items) {
		cur = v.items[v.cursor].ID
	}
	if v.open >= 0 && v.open < len(v.items) {
		open = v.items[v.open].ID
	}
	groups := engine.Answer(ps)
	v.items = v.items[:0]
	objs := []fyne.CanvasObject{v.titles}
	var fills []func() // each row's texts, set as the row comes on show
	for gi, g := range groups {
		if gi >= len(v.headings) {
			h := widget.NewLabel("")
			h.TextStyle.Bold = true
			h.Wrapping = fyne.TextWrapWord
			v.headings = append(v.headings, h)
		}
		h := v.headings[gi]
		h.Importance = groupImportance(g.Kind)
		h.SetText(g.Title)
		objs = append(objs, h)
		for _, p := range g.Models {
			i := len(v.items)
			v.items = append(v.items, p)
			if i >= len(v.rows) {
				v.rows = append(v.rows, newAnswerRow(v, i))
			}
			row := v.rows[i]
			objs = append(objs, row)
			for len(fills) < len(objs)-1 {
				fills = append(fills, nil)
			}
			fills = append(fills, func() { row.show(p) })
		}
	}
	if len(v.items) == 0 {
		objs, fills = []fyne.CanvasObject{v.emptyNote}, nil
	}
	v.cursor, v.open = v.indexOf(cur), v.indexOf(open)
	v.planned = v.plannedWidths()
	v.fillGen++
	v.box.Objects = nil
	v.reveal(v.fillGen, objs, fills)
}

// answerBatch is how many lines of the answer come on show per turn of the UI loop: setting
// and laying out all of a 40-model answer's texts at once held the UI goroutine for 130–400 ms
// when Compare opened; a batch fills the visible part first and the rest follows a frame apart.
const answerBatch = 8

// reveal appends objs to the answer a batch per turn, setting each row's texts (fills[i], when
// set) as it comes, then places the detail. A newer setData abandons a reveal under way.
func (v *answerView) reveal(gen int, objs []fyne.CanvasObject, fills []func()) {
	if gen != v.fillGen {
		return
	}
	n := min(answerBatch, len(objs))
	for i := range n {
		if i < len(fills) && fills[i] != nil {
			fills[i]()
		}
	}
	v.box.Objects = append(v.box.Objects, objs[:n]...)
	if n == len(objs) {
		// The columns are as wide as the widest cells of all rows now on show, which the
		// planned widths foresaw; placed again in case the theme changed during the reveal.
		v.planned = [answerCols]float32{}
		v.titles.placeCells(v.titles.Size())
		for _, o := range v.box.Objects {
			if r, ok := o.(*answerRow); ok {
				r.placeCells(r.Size())
			}
		}
		v.placeDetail()
		return
	}
	relayout(v.box)
	restFills := fills[min(n, len(fills)):]
	v.s.a.doLater(func() { v.reveal(gen, objs[n:], restFills) })
}

// groupImportance colours a group's heading.
func groupImportance(k engine.GroupKind) widget.Importance {
	switch k {
	case engine.GroupWell:
		return widget.SuccessImportance
	case engine.GroupSlow, engine.GroupPartial:
		return widget.WarningImportance
	case engine.GroupNoFit:
		return widget.DangerImportance
	}
	return widget.MediumImportance
}

func (v *answerView) indexOf(id string) int {
	for i, p := range v.items {
		if id != "" && p.ID == id {
			return i
		}
	}
	return -1
}

// placeDetail puts the open model's detail right under its row (or takes it away) and
// marks the cursor's row.
func (v *answerView) placeDetail() {
	objs := v.box.Objects[:0]
	for _, o := range v.box.Objects {
		if o != v.detail {
			objs = append(objs, o)
		}
	}
	v.box.Objects = objs
	if v.open >= 0 && v.open < len(v.items) {
		v.detail.SetText(v.s.detailText(v.items[v.open], -1))
		at := v.rows[v.open]
		for i, o := range v.box.Objects {
			if o == at {
				v.box.Objects = append(v.box.Objects[:i+1], append([]fyne.CanvasObject{v.detail}, v.box.Objects[i+1:]...)...)
				break
			}
		}
	}
	for i, r := range v.rows {
		r.mark(i == v.cursor, i == v.open, v.focus)
	}
	// Lay out and redraw, without refreshing every row's texts as box.Refresh would: that
	// re-measured the whole answer at every arrow key.
	relayout(v.box)
}

// moveTo puts the cursor on model i (an open detail follows it) and scrolls it into view.
func (v *answerView) moveTo(i int) {
	if len(v.items) == 0 {
		return
	}
	i = max(0, min(i, len(v.items)-1))
	v.cursor = i
	if v.open >= 0 {
		v.open = i
	}
	v.placeDetail()
	v.scrollTo(i)
}

// openAt opens model i's detail (Enter, or a tap), or closes it when it is open.
func (v *answerView) openAt(i int, toggle bool) {
	if i < 0 || i >= len(v.items) {
		return
	}
	v.cursor = i
	if toggle && v.open == i {
		v.open = -1
	} else {
		v.open = i
	}
	v.placeDetail()
	v.scrollTo(i)
}

// scrollTo scrolls so that model i's row, and its detail when open, are on show.
func (v *answerView) scrollTo(i int) {
	v.box.Refresh() // lay out first: the detail may have just come in
	r := v.rows[i]
	top, bottom := r.Position().Y, r.Position().Y+r.Size().Height
	if v.open == i {
		bottom = v.detail.Position().Y + v.detail.Size().Height
	}
	h := v.scroll.Size().Height
	off := v.scroll.Offset
	switch {
	case top < off.Y:
		off.Y = top
	case bottom > off.Y+h:
		off.Y = min(top, bottom-h)
	default:
		return
	}
	v.scroll.ScrollToOffset(off)
}

// tapped is a tap on model i's row: it takes the keyboard and opens the detail.
func (v *answerView) tapped(i int) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil {
		c.Focus(v)
	}
	v.openAt(i, true)
}

// FocusGained implements fyne.Focusable.
func (v *answerView) FocusGained() {
	v.focus = true
	if v.cursor < 0 && len(v.items) > 0 {
		v.cursor = 0
	}
	v.placeDetail()
}

// FocusLost implements fyne.Focusable.
func (v *answerView) FocusLost() {
	v.focus = false
	v.placeDetail()
}

// TypedRune implements fyne.Focusable.
func (v *answerView) TypedRune(rune) {}

// TypedKey implements fyne.Focusable: arrows move, Enter opens or closes the detail, Escape
// closes it; other keys (F11 for presenter mode) go on to the window.
func (v *answerView) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyDown:
		v.moveTo(v.cursor + 1)
	case fyne.KeyUp:
		v.moveTo(v.cursor - 1)
	case fyne.KeyHome:
		v.moveTo(0)
	case fyne.KeyEnd:
		v.moveTo(len(v.items) - 1)
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		v.openAt(max(v.cursor, 0), true)
	case fyne.KeyEscape:
		if v.open >= 0 {
			v.open = -1
			v.placeDetail()
		}
	default:
		if h := v.s.a.win.Canvas().OnTypedKey(); h != nil {
			h(k)
		}
	}
}

// setBig shows the numbers in large type (normal mode) or at the text size (presenter mode,
// whose text is already large: the row must still fit 1024 px).
func (v *answerView) setBig(big bool) {
	v.big = big
	v.titles.restyle()
	for _, r := range v.rows {
		r.restyle()
	}
	v.box.Refresh()
}

// answerSizeName is the size of a row's numbers.
func (v *answerView) answerSizeName() fyne.ThemeSizeName {
	if v.big {
		return theme.SizeNameSubHeadingText
	}
	return theme.SizeNameText
}
