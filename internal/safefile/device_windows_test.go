//go:build windows

package safefile

import (
	"errors"
	"testing"
)

func TestDeviceNames(t *testing.T) {
	for _, p := range []string{"NUL", "nul", "CON", `\\.\NUL`, `C:\models\nul.gguf`, "com1", "LPT9.txt", "CONOUT$", `\\.\PhysicalDrive0`} {
		if _, err := Check(p); !errors.Is(err, ErrNotRegular) {
			t.Errorf("Check(%q) = %v, want a refusal (ErrNotRegular)", p, err)
		}
	}
	for _, p := range []string{"console.gguf", "com10", "nullable", `C:\com\model.gguf`} {
		if isDeviceName(p) {
			t.Errorf("isDeviceName(%q) = true, want false", p)
		}
	}
}
