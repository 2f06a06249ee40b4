package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"slmscope/engine"
	"slmscope/internal/units"
)

// The "Get a real model" card: the built-in instruct model (download.DefaultPin) with what it
// would need here before it is downloaded, a class-mirror setting (a folder or URL,
// remembered), and the download with progress, speed, time left and cancel. Once published
// the model is listed with the others and can be measured or chatted with.

// prefModelMirror remembers the class mirror: a folder or an http(s) URL.
const prefModelMirror = "models.mirror"

// getModelCard is the card's widgets and state (UI goroutine only).
type getModelCard struct {
	m    *modelsTab
	pin  engine.DownloadPin
	card *widget.Card

	before   *widget.Label
	mirror   *widget.Entry
	getBtn   *widget.Button
	stopBtn  *widget.Button
	progress *widget.ProgressBar
	progTx   *widget.Label
	errTx    *widget.Label

	cancel context.CancelFunc
	gen    int // numbers fit texts: only the newest is shown
}

func newGetModelCard(m *modelsTab) *getModelCard {
	g := &getModelCard{m: m, pin: engine.DefaultDownloadPin()}
	g.before = noteLabel("", widget.MediumImportance)
	g.mirror = widget.NewEntry()
	g.mirror.SetPlaceHolder("optional: USB folder or http(s) URL")
	g.mirror.SetText(m.a.fyne.Preferences().String(prefModelMirror))
	g.mirror.OnChanged = func(s string) { m.a.fyne.Preferences().SetString(prefModelMirror, strings.TrimSpace(s)) }
	g.getBtn = widget.NewButtonWithIcon("Get "+g.pin.Title, theme.DownloadIcon(), g.onGet)
	g.getBtn.Importance = widget.HighImportance
	g.stopBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), g.onCancel)
	g.stopBtn.Hide()
	g.progress = widget.NewProgressBar()
	g.progress.Hide()
	g.progTx = noteLabel("", widget.MediumImportance)
	g.progTx.Hide()
	g.errTx = noteLabel("", widget.DangerImportance)
	g.errTx.Hide()
	form := widget.NewForm(widget.NewFormItem("Class mirror", g.mirror))
	// The card's subtitle does not wrap: what is fetched from where goes in a wrapping line.
	from := noteLabel(g.pin.Title+" ("+g.pin.File+") from "+g.pin.Repo+": a real instruct model you can chat with.", widget.MediumImportance)
	g.card = widget.NewCard("Get a real model", "",
		container.NewVBox(from, g.before, form, container.NewHBox(g.getBtn, g.stopBtn), g.progress, g.progTx, g.errTx))
	return g
}

// onMachine shows what the download would need here, before it is downloaded (projected off
// the UI goroutine; only the newest answer is shown).
func (g *getModelCard) onMachine(st engine.MachineState) {
	g.gen++
	gen := g.gen
	g.m.spawn(func() {
		text := pinBeforeText(st, g.pin)
		g.m.a.do(func() {
			if gen == g.gen {
				g.before.SetText(text)
			}
		})
	})
}

// pinBeforeText is the download's size, type mix, memory need and projected speed.
func pinBeforeText(st engine.MachineState, pin engine.DownloadPin) string {
	b := st.PinBeforeLoading(pin, engine.TwinRunContext)
	parts := []string{"Download " + units.Bytes(b.Bytes), b.Mix, "memory: " + b.MemoryText()}
	if s := b.SpeedText(); s != "" {
		parts = append(parts, "generation "+s)
	}
	return strings.Join(parts, " · ") + ". " + capitalize(b.Basis) + "."
}

// request is the download the card asks for.
func (g *getModelCard) request() engine.DownloadRequest {
	return engine.DownloadRequest{Model: g.pin.Name, Mirror: strings.TrimSpace(g.mirror.Text), Endpoint: g.m.src.endpoint}
}

func (g *getModelCard) onGet() {
	if g.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	g.cancel = cancel
	g.getBtn.Disable()
	g.stopBtn.Show()
	g.errTx.Hide()
	g.progress.SetValue(0)
	g.progress.Show()
	g.progTx.SetText("Starting the download…")
	g.progTx.Show()
	job := &getModelJob{g: g, ctx: ctx, req: g.request()}
	g.m.spawn(job.run)
}

func (g *getModelCard) onCancel() {
	if g.cancel != nil {
		g.cancel()
		g.progTx.SetText("Cancelling…")
	}
}

// showProgress shows bytes, speed and time left.
func (g *getModelCard) showProgress(p engine.DownloadProgress) {
	if p.Total > 0 {
		g.progress.SetValue(float64(p.Done) / float64(p.Total))
	}
	if p.Phase == "verify" {
		g.progTx.SetText("Checking the file (SHA-256 and GGUF header)…")
		return
	}
	text := units.Bytes(p.Done)
	if p.Total > 0 {
		text += " of " + units.Bytes(p.Total)
	}
	if p.BytesPerSec > 0 {
		text += " · " + units.Bytes(int64(p.BytesPerSec)) + "/s"
	}
	if p.ETA >= 0 && p.Total > 0 {
		text += " · " + units.Duration(p.ETA.Seconds()) + " left"
	}
	g.progTx.SetText("Downloading from " + p.Source + ": " + text)
}

// finished shows the outcome; a published model is listed at once.
func (g *getModelCard) finished(res engine.DownloadResult, err error) {
	g.cancel = nil
	g.getBtn.Enable()
	g.stopBtn.Hide()
	g.progress.Hide()
	switch {
	case errors.Is(err, context.Canceled):
		g.progTx.SetText("Download cancelled; what was downloaded so far is kept for the next try.")
	case err != nil:
		g.progTx.Hide()
		g.errTx.SetText(downloadErrorText(err))
		g.errTx.Show()
	default:
		verified := "not checked against a published SHA-256"
		if res.Verified != "" {
			verified = "SHA-256 checked against " + res.Verified
		}
		what := "Downloaded"
		if res.Present {
			what = "Already here"
		}
		g.progTx.SetText(fmt.Sprintf("%s: %s (%s, %s). It is listed below: Measure it, or Open in Live run to chat with it.", what, res.Path, units.Bytes(res.Bytes), verified))
		g.m.scan()
	}
}

// downloadErrorText puts what to do first: offline means a class mirror or a file you have.
func downloadErrorText(err error) string {
	if errors.Is(err, engine.ErrOffline) {
		return engine.ErrOffline.Error() + ". Set a class mirror above (a folder or URL your teacher gives), or add a folder that holds a .gguf file you have.\nDetails: " + err.Error()
	}
	return "The download did not finish: " + err.Error()
}
