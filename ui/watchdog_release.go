//go:build !debug

package ui

// debugBuild: release builds watch the UI goroutine only when SLMSCOPE_WATCHDOG is set
// (watchdog_log.go).
const debugBuild = false
