package ui

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// The watchdog reports a probe that waited longer than its limit, once, with the CPU time
// spent meanwhile; nothing while the UI goroutine keeps up; and no second probe while one
// waits. The test hands it its ticks and its clock, so the machine's speed plays no part.
func TestWatchdogReportsAStall(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	ticks := make(chan time.Time)
	posted := make(chan func(), 4)
	cpu := time.Duration(0)
	type stall struct{ waited, cpu time.Duration }
	var got []stall
	w := &watchdog{
		post:   func(f func()) { posted <- f },
		limit:  100 * time.Millisecond,
		report: func(d, c time.Duration) { got = append(got, stall{d, c}) },
		cpu:    func() (time.Duration, bool) { return cpu, true },
		ticks:  ticks,
		now:    clock.now,
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.run(ctx)
	probe := func() func() {
		ticks <- time.Time{}
		select {
		case f := <-posted:
			return f
		case <-time.After(10 * time.Second):
			t.Fatal("no probe posted after a tick")
		}
		return nil
	}

	f := probe()
	clock.advance(30 * time.Millisecond) // the UI goroutine keeps up
	f()
	if len(got) != 0 {
		t.Fatalf("stalls reported while the UI goroutine kept up: %v", got)
	}

	f = probe()
	ticks <- time.Time{} // the probe still waits: no second one is posted
	ticks <- time.Time{}
	select {
	case <-posted:
		t.Fatal("a second probe was posted while the first waited")
	default:
	}
	clock.advance(250 * time.Millisecond) // the UI goroutine is blocked
	cpu += 240 * time.Millisecond         // by work of its own
	f()
	if len(got) != 1 || got[0] != (stall{250 * time.Millisecond, 240 * time.Millisecond}) {
		t.Fatalf("one stall of 250 ms with 240 ms of CPU should be reported, got %v", got)
	}

	f = probe() // after a stall the watchdog probes again
	clock.advance(time.Millisecond)
	f()
	if len(got) != 1 {
		t.Fatalf("a probe that kept up was reported: %v", got)
	}
}

// switchBudget is the CPU one screen switch may take under the tests: the watchdog's limit,
// scaled for the race detector (raceFactor, race_test.go). Wall-clock waits are also scaled
// by how busy the machine is (loadFactor): on 2 cores shared with other jobs a switch that
// costs 30 ms of CPU can take 120 ms of wall clock.
func switchBudget() time.Duration { return stallLimit * raceFactor }

// loadFactor is the 1-minute load average per core, at least 1 (1 where it is unknown).
func loadFactor() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 1
	}
	var load float64
	if _, err := fmt.Sscan(string(b), &load); err != nil {
		return 1
	}
	return max(1, load/float64(runtime.NumCPU()))
}

// BenchmarkScreenSwitches: every screen switch, first open and coming back, with the watchdog
// on: no switch, and no result a switch hands back, blocks the UI goroutine for more than the
// limit. It fails when one does, so it is a check, but one that depends on the machine's speed
// and load: `make stalls` runs it (with the Xvfb walk through the real window), `make test`
// does not. It reports the slowest switch's wall clock and CPU as metrics.
func BenchmarkScreenSwitches(b *testing.B) {
	for range b.N {
		worst, worstCPU := screenSwitches(b)
		b.ReportMetric(float64(worst.Microseconds())/1000, "worst-switch-ms")
		b.ReportMetric(float64(worstCPU.Microseconds())/1000, "worst-switch-cpu-ms")
	}
}

// screenSwitches walks every screen twice and returns the slowest switch's wall clock and CPU.
func screenSwitches(t testing.TB) (worst, worstCPU time.Duration) {
	fa := newTestApp(t)
	e := newUIExec()
	a := newAppWith(fa, testWorkerOptions(), e.do)
	a.uiLater = e.later // steps split over turns of the UI loop run as in the app
	t.Cleanup(a.session.Close)
	a.win.Resize(goldenSize)
	uiCPU := uiThreadCPU(t)
	budget := switchBudget()
	wallBudget := time.Duration(float64(budget) * loadFactor())
	t.Logf("budget: %v of CPU per switch; %v of wall clock for the watchdog (load factor %.1f)", budget, wallBudget, loadFactor())
	var mu sync.Mutex
	var stalls []string
	on := ""
	// A long wait with little CPU of ours is other programs on a loaded machine, not a stall.
	w := newWatchdog(e.do, func(d, probeCPU time.Duration) {
		if probeCPU <= budget {
			t.Logf("a wait of %v with %v of CPU (machine load) on %s", d.Round(time.Millisecond), probeCPU.Round(time.Millisecond), on)
			return
		}
		mu.Lock()
		stalls = append(stalls, fmt.Sprintf("%s (screen %s): %v, %v of CPU", on, a.currentKey(), d.Round(time.Millisecond), probeCPU.Round(time.Millisecond)))
		mu.Unlock()
	})
	w.every, w.limit, w.cpu = 10*time.Millisecond, wallBudget, uiCPU
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.run(ctx)
	settle := func(d time.Duration) {
		for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
			e.drain()
		}
	}
	settle(300 * time.Millisecond)
	var slow []string
	for round := range 2 {
		for _, s := range screens {
			on = fmt.Sprintf("%s (round %d)", s.key, round+1)
			took, cpu := timed(uiCPU, func() { a.showScreen(s.id) })
			worst, worstCPU = max(worst, took), max(worstCPU, cpu)
			t.Logf("switch to %-8s round %d: %v (CPU %v)", s.key, round+1, took.Round(time.Millisecond), cpu.Round(time.Millisecond))
			if cpu > budget {
				slow = append(slow, fmt.Sprintf("%s: %v", on, took.Round(time.Millisecond)))
			}
			settle(400 * time.Millisecond)           // results the switch started arrive, as in the app
			if s.id == screenCompare && round == 1 { // its tabs, filled when first shown
				tabs := findAppTabs(a.content)
				if tabs == nil {
					t.Fatal("no tabs on the Compare screen")
				}
				for i := range tabs.Items {
					on = fmt.Sprintf("compare tab %d", i)
					took, cpu := timed(uiCPU, func() { tabs.SelectIndex(i) })
					worst, worstCPU = max(worst, took), max(worstCPU, cpu)
					t.Logf("compare tab %d (%s): %v (CPU %v)", i, tabs.Items[i].Text, took.Round(time.Millisecond), cpu.Round(time.Millisecond))
					if cpu > budget {
						slow = append(slow, fmt.Sprintf("%s: %v", on, took.Round(time.Millisecond)))
					}
					settle(200 * time.Millisecond)
				}
				tabs.SelectIndex(0)
			}
		}
	}
	cancel()
	if len(slow) > 0 {
		t.Errorf("screen switches over %v of CPU: %s", budget, strings.Join(slow, "; "))
	}
	if len(stalls) > 0 {
		t.Errorf("the watchdog saw the UI goroutine blocked over %v (and %v of CPU): %s", wallBudget, budget, strings.Join(stalls, "; "))
	}
	return worst, worstCPU
}

// timed runs f and returns the wall clock and the CPU time (read by cpu) it took; the CPU
// time is the wall clock where cpu cannot say.
func timed(cpu func() (time.Duration, bool), f func()) (wall, used time.Duration) {
	c0, ok0 := cpu()
	start := time.Now()
	f()
	wall = time.Since(start)
	c1, ok1 := cpu()
	if !ok0 || !ok1 {
		return wall, wall
	}
	return wall, c1 - c0
}

// findAppTabs is the first AppTabs under o.
func findAppTabs(o fyne.CanvasObject) *container.AppTabs {
	for _, obj := range test.LaidOutObjects(o) {
		if tabs, ok := obj.(*container.AppTabs); ok {
			return tabs
		}
	}
	return nil
}
