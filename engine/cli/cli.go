// Package cli holds slmscope's command-line tools. Each command is a function that takes its
// arguments and output streams and returns the process exit code: 0 success, 1 failure (one
// clear line on stderr), 2 usage error.
package cli

import (
	"fmt"
	"io"
	"sort"
)

// Exit codes shared by every command.
const (
	ExitOK    = 0
	ExitFail  = 1
	ExitUsage = 2
)

// command is one sub-command: what it does, in one line, and how to run it.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands is the table of sub-commands. Add one entry per command; keep each in its own file.
var commands = map[string]command{}

// register adds a command; each command file calls it from init so the table stays in one place.
func register(name, summary string, run func(args []string, stdout, stderr io.Writer) int) {
	commands[name] = command{summary: summary, run: run}
}

// Run dispatches args[0] to its command.
func Run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || isHelp(args[0]) {
		usage(stdout)
		return ExitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "slmscope: unknown command %q (try `slmscope help`)\n", args[0])
		return ExitUsage
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: slmscope [command] [flags]\n\nWith no command, slmscope opens the desktop app.\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		if n != "worker" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun `slmscope COMMAND -h` for a command's flags.")
}
