//go:build !nogui

// Command slmscope shows what this machine can run: it measures small language models through
// llama.cpp and projects larger ones. With no sub-command it opens the desktop app; otherwise it
// runs one of the command-line tools (see `slmscope help`).
package main

import (
	"os"
	"strings"

	_ "a.slmscope/clocale" // before Fyne reads the locale: see the package comment

	"slmscope/engine/cli"
	"slmscope/internal/console"
	"slmscope/ui"
)

func main() {
	args := os.Args[1:]
	if len(args) == 0 || strings.HasPrefix(args[0], "-psn_") { // -psn_ is macOS Finder's launch flag
		console.DetachOwn() // Windows: the console window opened for the app, if no prompt shares it
		os.Exit(ui.Run())
	}
	if args[0] == "glyphs" { // a window of the symbols the screens use: see ui/glyphs.go
		os.Exit(ui.RunGlyphs())
	}
	os.Exit(cli.Run(args, os.Stdout, os.Stderr))
}
