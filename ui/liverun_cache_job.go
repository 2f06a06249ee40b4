package ui

import (
	"fmt"

	"fyne.io/fyne/v2/dialog"

	"slmscope/engine"
	"slmscope/internal/units"
)

// updateCacheNote shows how much the twin cache holds, read off the UI goroutine.
func (l *liveRun) updateCacheNote() {
	l.spawn(func() {
		text := ""
		c, err := engine.DefaultTwinCache()
		if err == nil {
			used, uerr := c.Used()
			switch {
			case uerr != nil:
				text = "Twin cache: " + uerr.Error()
			default:
				text = fmt.Sprintf("Twin cache: %s of its %s cap, in %s.", units.BytesU(uint64(used)), units.BytesU(uint64(c.CapBytes)), c.Dir)
			}
		} else {
			text = "Twin cache: " + err.Error()
		}
		l.a.do(func() { l.cacheNote.SetText(text) })
	})
}

// onClearTwins deletes the cached twins after asking; they are rewritten when next needed.
func (l *liveRun) onClearTwins() {
	if l.cancel != nil {
		l.showError(fmt.Errorf("a run is in progress: stop it before clearing the twin cache"))
		return
	}
	c, err := engine.DefaultTwinCache()
	if err != nil {
		l.showError(err)
		return
	}
	dialog.ShowConfirm("Clear the twin cache?",
		fmt.Sprintf("This deletes every twin in %s.\nThey are written again, in seconds, the next time a model needs one.", c.Dir),
		func(ok bool) {
			if !ok {
				return
			}
			l.spawn(func() {
				err := c.Clear()
				l.a.do(func() {
					if err != nil {
						l.showError(err)
					}
					l.updateCacheNote()
				})
			})
		}, l.a.win)
}
