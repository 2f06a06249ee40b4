//go:build !linux && !windows

package worker

// memoryUse is not measured on this OS yet: zero means unknown, and the app says so.
func memoryUse() (rss, peak uint64) { return 0, 0 }
