//go:build nogui

// The command-line tools alone, without the desktop app: `go build -tags nogui` with
// CGO_ENABLED=0 makes a binary that needs no OpenGL or X11 libraries, for servers and for
// GPU machines without a display (scripts/gpu-check.sh).
package main

import (
	"fmt"
	"os"
	"strings"

	"slmscope/engine/cli"
)

func main() {
	args := os.Args[1:]
	if len(args) == 0 || strings.HasPrefix(args[0], "-psn_") || args[0] == "glyphs" {
		fmt.Fprintln(os.Stderr, "slmscope: this build has the command-line tools only (built with -tags nogui); see `slmscope help`")
		os.Exit(cli.ExitUsage)
	}
	os.Exit(cli.Run(args, os.Stdout, os.Stderr))
}
