package ui

import (
	"context"
	"math"
	"strings"
	"time"

	"slmscope/hwprobe"
	"slmscope/lessons"
)

// Preference keys the Live run screen writes after each run; the lesson reads them.
const (
	factsPrefGenTPS = "live.last_gen_tps"
	factsPrefModel  = "live.last_model"
	factsPrefWhen   = "live.last_when"
)

// lessonFacts gathers this machine's numbers for the lesson and its live questions: available
// memory from hwprobe (cgroup-aware), and the generation speed of the last Live run. Anything
// not measured stays zero, and the lesson says so rather than guess.
func (a *App) lessonFacts() lessons.Facts {
	var f lessons.Facts
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if r, err := hwprobe.Memory(ctx); err == nil && r.AvailableBytes > 0 {
		f.AvailableRAMBytes, f.TotalRAMBytes = r.AvailableBytes, r.TotalBytes
		f.RAMSource = "read by hwprobe via " + strings.NewReplacer("(", "", ")", "").Replace(r.Source)
	}
	p := a.fyne.Preferences()
	if tps := p.FloatWithFallback(factsPrefGenTPS, 0); tps > 0 && !math.IsInf(tps, 0) && !math.IsNaN(tps) {
		f.GenTPS = tps
		f.GenModel = p.String(factsPrefModel)
		f.GenSource = "Live run"
		if when, err := time.Parse(time.RFC3339, p.String(factsPrefWhen)); err == nil {
			f.GenSource += ", " + when.Local().Format("2 Jan 2006 15:04")
		}
	}
	return f
}
