//go:build windows

package safefile

import (
	"path/filepath"
	"strings"
)

// isDeviceName reports a Windows device: a \\.\ or \\?\ device path (\\.\NUL, \\.\PhysicalDrive0),
// or a reserved name (CON, PRN, AUX, NUL, COM1-9, LPT1-9, CONIN$, CONOUT$) in any folder and with
// any extension, which Windows opens as the device ("C:\x\nul.gguf" is NUL).
func isDeviceName(path string) bool {
	if strings.HasPrefix(path, `\\.\`) || strings.HasPrefix(path, `//./`) {
		return true
	}
	if strings.HasPrefix(path, `\\?\`) && !strings.Contains(path[4:], `:`) && !strings.HasPrefix(strings.ToUpper(path[4:]), "UNC") {
		return true
	}
	base := strings.ToUpper(filepath.Base(path))
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	base = strings.TrimRight(base, " ")
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	return len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) && base[3] >= '1' && base[3] <= '9'
}
