package procself

import (
	"runtime"
	"testing"
)

func TestLowerAndRestore(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, err := Nice()
	if err != nil {
		t.Fatal(err)
	}
	if before >= 19 {
		t.Skip("already at the lowest priority")
	}
	restore, err := LowerThread(5)
	if err != nil {
		t.Fatal(err)
	}
	if now, _ := Nice(); now != min(before+5, 19) {
		t.Errorf("nice %d after LowerThread(5) from %d", now, before)
	}
	if !restore() {
		t.Skip("this user may not raise priority back (RLIMIT_NICE): the app stays lowered, as documented")
	}
	if now, _ := Nice(); now != before {
		t.Errorf("nice %d after restore, want %d", now, before)
	}
}
