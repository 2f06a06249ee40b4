//go:build !windows

package safefile

// isDeviceName: outside Windows, devices are told by their file mode (os.Stat).
func isDeviceName(string) bool { return false }
