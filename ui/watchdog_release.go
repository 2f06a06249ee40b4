//go:build !debug

package ui

// startDebugWatchdog does nothing outside debug builds (see watchdog_debug.go).
func startDebugWatchdog(*App) {}
