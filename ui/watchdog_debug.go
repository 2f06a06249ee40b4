//go:build debug

package ui

// debugBuild: `make debug` builds watch the UI goroutine always (watchdog_log.go).
const debugBuild = true
