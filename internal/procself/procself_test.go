package procself

import (
	"runtime"
	"testing"
	"time"
)

func TestCPUTimeCountsWork(t *testing.T) {
	c0, ok0 := CPUTime()
	if !ok0 {
		if runtime.GOOS == "linux" || runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
			t.Fatal("CPU time unknown")
		}
		t.Skip("CPU time unknown on this OS")
	}
	t0 := time.Now()
	x := 0.0
	for time.Since(t0) < 100*time.Millisecond {
		for i := range 10000 {
			x += float64(i)
		}
	}
	c1, ok1 := CPUTime()
	share := Share(c0, c1, ok0, ok1, time.Since(t0))
	if share < 0.05 || share > 4 || x == 0 { // a busy machine may give us a small share
		t.Errorf("busy loop used %.2f cores, want about 1 (more than 0.05)", share)
	}
}

func TestShareUnknown(t *testing.T) {
	if got := Share(0, time.Second, false, true, time.Second); got != 0 {
		t.Errorf("unknown reading gave %v", got)
	}
	if got := Share(time.Second, 2*time.Second, true, true, 4*time.Second); got != 0.25 {
		t.Errorf("share %v, want 0.25", got)
	}
}
