package engine

import (
	"errors"
	"fmt"
	"strings"

	"slmscope/internal/units"
)

// RunFailure is a failed run told in one line for a window, with the detail behind it.
type RunFailure struct {
	// Line is the one sentence to show: what happened to the model process, after how many
	// tokens, that the app is fine and what to do next.
	Line string
	// Details is everything else: the full error and the last lines llama.cpp logged.
	Details string
}

// DescribeFailure turns a run's error into a RunFailure; tokens is how many tokens had
// arrived before it ended. Worker crashes (CrashError: a signal, an exit, out of memory, a
// changed file) and stalls (StallError) get their own line; any other error is its own text.
func DescribeFailure(err error, tokens int) RunFailure {
	after := ""
	switch {
	case tokens == 1:
		after = " after 1 token"
	case tokens > 1:
		after = fmt.Sprintf(" after %d tokens", tokens)
	}
	var crash *CrashError
	var stall *StallError
	var line, msg string
	var log []string
	switch {
	case errors.As(err, &crash):
		log = crash.Log
		bare := *crash
		bare.Log = nil // the log goes below, a line each
		msg = bare.Error()
		switch {
		case crash.FileChanged:
			line = fmt.Sprintf("The model file changed while the model process read it (%s)%s; the app is fine — wait for whatever writes the file to finish, then press Run.", crash.Signal, after)
		case crash.OutOfMemory:
			line = fmt.Sprintf("The model process ran out of memory: the system stopped it (%s)%s; the app is fine — choose a smaller model, quantization or context, then press Run.", crash.Signal, after)
		case crash.Signal == "SIGKILL":
			line = fmt.Sprintf("The model process was killed (SIGKILL)%s; the app is fine — press Run to start again.", after)
		case crash.Signal != "":
			line = fmt.Sprintf("The model process crashed (%s)%s; the app is fine — press Run to start again.", crash.Signal, after)
		default:
			line = fmt.Sprintf("The model process exited with code %d%s; the app is fine — press Run to start again.", crash.ExitCode, after)
		}
	case errors.As(err, &stall):
		log = stall.Log
		bare := *stall
		bare.Log = nil
		msg = bare.Error()
		line = fmt.Sprintf("The model process stopped responding (nothing for %s)%s, so slmscope stopped it; the app is fine — press Run to start again.", units.Duration(stall.Silence.Seconds()), after)
	default:
		return RunFailure{Line: err.Error()}
	}
	details := msg
	if len(log) > 0 {
		details += "\n\nllama.cpp's last log lines:\n" + strings.Join(log, "\n")
	}
	return RunFailure{Line: line, Details: details}
}
