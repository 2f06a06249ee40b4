//go:build !linux && !windows

package worker

// memoryUse is not measured on this OS yet: zero means unknown, and the app says so.
func memoryUse() (rss, peak uint64) { return 0, 0 }

// hugePageUse is not measured on this OS: 0 means unknown.
func hugePageUse() uint64 { return 0 }
