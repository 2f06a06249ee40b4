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

// The watchdog reports a probe that waited longer than its limit, once, and nothing while
// the UI goroutine keeps up.
func TestWatchdogReportsAStall(t *testing.T) {
	e := newUIExec()
	var mu sync.Mutex
	var got []time.Duration
	w := &watchdog{post: e.do, every: 5 * time.Millisecond, limit: 60 * time.Millisecond, report: func(d, _ time.Duration) {
		mu.Lock()
		got = append(got, d)
		mu.Unlock()
	}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.run(ctx)
	pump := func(d time.Duration) { // a UI goroutine that keeps up
		for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(2 * time.Millisecond) {
			e.drain()
		}
	}
	pump(100 * time.Millisecond)
	if len(got) != 0 {
		t.Fatalf("stalls reported while the UI goroutine kept up: %v", got)
	}
	time.Sleep(150 * time.Millisecond) // the UI goroutine is blocked
	pump(50 * time.Millisecond)
	cancel()
	if len(got) != 1 || got[0] < 100*time.Millisecond {
		t.Fatalf("one stall of ≥ 100 ms should be reported, got %v", got)
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

// Every screen switch, first open and coming back, with the watchdog on: no switch, and no
// result a switch hands back, blocks the UI goroutine for more than the limit.
func TestScreenSwitchesDoNotStallTheUI(t *testing.T) {
	fa := test.NewTempApp(t)
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
