package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"slmscope/engine"
)

// A stream of 2,000 tokens through the Live run job costs a bounded number of redraws: one per
// flushEvery at most (plus the final flush and a margin), however fast tokens arrive, and
// the answer is laid out in short paragraph labels rather than one label re-wrapped whole.
func TestLiveRunRedrawsAreBounded(t *testing.T) {
	_, l := liveRunFor(t)
	job := newLiveRunJob(l)
	stop := job.startLoop(context.Background())
	ev := job.events()
	ev.Stage("generating", -1)
	start := time.Now()
	var want strings.Builder
	const tokens = 2000
	for i := 1; i <= tokens; i++ {
		piece := fmt.Sprintf("w%d ", i)
		if i%150 == 0 {
			piece += "\n"
		}
		want.WriteString(piece)
		at := time.Since(start)
		ev.Token(engine.Token{Index: i, Piece: []byte(piece), At: at, Gap: time.Millisecond})
		if i%2 == 0 {
			time.Sleep(time.Millisecond) // ~500–1000 tok/s: faster than any CPU model here
		}
		if i%200 == 0 {
			drainUI() // the UI goroutine keeps up, as in the app
		}
	}
	stop()
	elapsed := time.Since(start)
	end := job.end(nil, nil)
	drainUI()

	limit := int(elapsed/flushEvery) + 3
	t.Logf("%d tokens in %v: %d redraws (limit %d), %d paragraph labels, app CPU %.2f cores",
		tokens, elapsed.Round(time.Millisecond), l.redraws, limit, l.out.Labels(), end.appCPU)
	if l.redraws > limit {
		t.Errorf("%d redraws for %d tokens in %v; want at most %d (one per %v + 3)", l.redraws, tokens, elapsed, limit, flushEvery)
	}
	if l.redraws < 2 {
		t.Errorf("only %d redraws: the stream was not shown while it ran", l.redraws)
	}
	if got := strings.ReplaceAll(l.out.Text(), "\n", ""); got != strings.ReplaceAll(want.String(), "\n", "") {
		t.Errorf("streamed text differs: got %d bytes, want %d", len(got), want.Len())
	}
	if n := l.out.Labels(); n < 5 || n > want.Len()/outputChunk+20 {
		t.Errorf("%d paragraph labels for %d bytes (chunk %d)", n, want.Len(), outputChunk)
	}
	if !strings.HasPrefix(l.counts.Text, "2000 tokens") {
		t.Errorf("counts %q", l.counts.Text)
	}
	if c := l.latency.Chart(); c.PointCount() == 0 {
		t.Error("latency chart empty")
	}
}
