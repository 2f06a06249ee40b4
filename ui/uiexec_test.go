package ui

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"
)

// uiExec is the tests' stand-in for Fyne's UI goroutine. Under Fyne's test driver fyne.Do
// runs its function at once on the calling goroutine, so a background job would touch
// widgets while the test goroutine does. Apps built by the tests send their job results
// here instead (App.uiDo): a call from the test goroutine runs at once, a call from any other
// goroutine is queued until the test goroutine drains the queue (waitFor does, between
// polls). Widgets are then only ever touched from the test goroutine, as in the app.
type uiExec struct {
	owner uint64
	mu    sync.Mutex
	queue []func()
}

// testUI is the executor of the running test; tests in this package run one at a time.
var testUI *uiExec

// newUIExec makes the calling goroutine the UI goroutine and returns its executor.
func newUIExec() *uiExec {
	e := &uiExec{owner: goroutineID()}
	testUI = e
	return e
}

func (e *uiExec) do(f func()) {
	if goroutineID() == e.owner {
		f()
		return
	}
	e.mu.Lock()
	e.queue = append(e.queue, f)
	e.mu.Unlock()
}

// later queues f whichever goroutine calls: the next drain runs it (App.uiLater).
func (e *uiExec) later(f func()) {
	e.mu.Lock()
	e.queue = append(e.queue, f)
	e.mu.Unlock()
}

// drain runs everything queued so far (and what that queues), on the calling goroutine.
func (e *uiExec) drain() {
	for {
		e.mu.Lock()
		q := e.queue
		e.queue = nil
		e.mu.Unlock()
		if len(q) == 0 {
			return
		}
		for _, f := range q {
			f()
		}
	}
}

// drainUI drains the running test's executor, if any.
func drainUI() {
	if testUI != nil {
		testUI.drain()
	}
}

// goroutineID reads the current goroutine's number from its stack header.
func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	n, _ := strconv.ParseUint(string(b), 10, 64)
	return n
}

// withUIExec installs a fresh executor on a and returns a.
func withUIExec(a *App) *App {
	a.uiDo = newUIExec().do
	return a
}

// turnQueue stands in for later turns of the UI loop (App.uiLater): steps wait in it until
// the test runs them, one turn at a time or all.
type turnQueue struct{ turns []func() }

// install makes a's later steps wait in q.
func (q *turnQueue) install(a *App) { a.uiLater = func(f func()) { q.turns = append(q.turns, f) } }

// next runs the oldest waiting step; false if none waits.
func (q *turnQueue) next() bool {
	if len(q.turns) == 0 {
		return false
	}
	f := q.turns[0]
	q.turns = q.turns[1:]
	f()
	return true
}

// all runs the waiting steps, and those they queue, and returns how many turns that took.
func (q *turnQueue) all() int {
	n := 0
	for q.next() {
		n++
	}
	return n
}
