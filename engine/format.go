package engine

import (
	"fmt"

	"slmscope/hwprobe"
)

// FormatBytes writes a byte count in binary units ("136.4 MiB"), as the hardware probe does.
func FormatBytes(b uint64) string { return hwprobe.FormatBytes(b) }

// FormatCount writes a parameter count the way model names do ("135M", "1.7B", "405B").
func FormatCount(n int64) string {
	f := float64(n)
	switch {
	case f >= 1e12:
		return trim(f/1e12) + "T"
	case f >= 1e9:
		return trim(f/1e9) + "B"
	case f >= 1e6:
		return trim(f/1e6) + "M"
	case f >= 1e3:
		return trim(f/1e3) + "K"
	}
	return fmt.Sprint(n)
}

func trim(f float64) string { return fmt.Sprintf("%.3g", f) }
