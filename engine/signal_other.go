//go:build windows || plan9

package engine

import "os"

// signalName: this OS reports exit codes, not signals.
func signalName(*os.ProcessState) string { return "" }
