package clocale

import "testing"

func TestIsC(t *testing.T) {
	for v, want := range map[string]bool{"C": true, "C.UTF-8": true, "POSIX": true, "C.utf8": true, "": false, "en_US.UTF-8": false, "de_DE": false} {
		if got := IsC(v); got != want {
			t.Errorf("IsC(%q) = %v", v, got)
		}
	}
}
