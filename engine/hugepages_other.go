//go:build !linux

package engine

// withHugePages leaves the environment as it is: the glibc tunable it sets on Linux means
// nothing to the C runtimes of other systems.
func withHugePages(env []string) []string { return env }
