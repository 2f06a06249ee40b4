package ui

import (
	"context"
	"time"

	"slmscope/engine"
)

// getModelJob runs one download off the UI goroutine; progress reaches the card at most
// every 100 ms, through App.do only.
type getModelJob struct {
	g   *getModelCard
	ctx context.Context
	req engine.DownloadRequest
}

func (j *getModelJob) run() {
	th := &throttle{every: 100 * time.Millisecond}
	res, err := j.g.m.src.download(j.ctx, j.req, func(p engine.DownloadProgress) {
		if th.ok() {
			j.g.m.a.do(func() { j.g.showProgress(p) })
		}
	})
	j.g.m.a.do(func() { j.g.finished(res, err) })
}
