package engine

import (
	"regexp"
	"strings"
	"sync"
)

// logTail keeps the last lines written to it (the worker's stderr).
type logTail struct {
	mu    sync.Mutex
	max   int
	lines []string
	part  string
	total int // complete lines ever written
	// placement keeps llama.cpp's buffer and offload lines (numbered by total) beyond max:
	// a load logs a thousand lines or more after them.
	placement []numberedLine
}

type numberedLine struct {
	n    int
	line string
}

func newLogTail(max int) *logTail { return &logTail{max: max} }

func (l *logTail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.part + string(p)
	parts := strings.Split(s, "\n")
	l.part = parts[len(parts)-1]
	for _, line := range parts[:len(parts)-1] {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		l.lines = append(l.lines, line)
		l.total++
		if isPlacementLine(line) {
			l.placement = append(l.placement, numberedLine{l.total, line})
			if len(l.placement) > 64 {
				l.placement = l.placement[len(l.placement)-64:]
			}
		}
		if len(l.lines) > l.max {
			l.lines = l.lines[len(l.lines)-l.max:]
		}
	}
	return len(p), nil
}

// Lines returns up to n last complete lines, plus an unfinished one if any.
func (l *logTail) Lines(n int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := append([]string(nil), l.lines...)
	if p := strings.TrimSpace(l.part); p != "" {
		out = append(out, p)
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}

// mark is a position in the log for since.
func (l *logTail) mark() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

// placementSince returns llama.cpp's buffer and offload lines written after mark.
func (l *logTail) placementSince(mark int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, nl := range l.placement {
		if nl.n > mark {
			out = append(out, nl.line)
		}
	}
	return out
}

func (l *logTail) String() string { return strings.Join(l.Lines(6), " | ") }

// goSignalLine matches the Go runtime's report of a fatal signal in the worker, e.g.
// "SIGABRT: abort" (the runtime then dumps registers and exits with code 2).
var goSignalLine = regexp.MustCompile(`^(SIG[A-Z]+): `)

// crashLines picks the lines that explain a crash: what was logged just before the Go
// runtime's signal report (llama.cpp's GGML_ASSERT line, typically), not the register dump
// after it. signal is the signal the runtime reported, if any.
func (l *logTail) crashLines(n int) (lines []string, signal string) {
	all := l.Lines(l.max)
	for i, line := range all {
		if m := goSignalLine.FindStringSubmatch(line); m != nil {
			start := max(0, i-n+1)
			return all[start : i+1], m[1]
		}
		if strings.HasPrefix(line, "fatal error:") {
			start := max(0, i-n+1)
			return all[start : i+1], ""
		}
	}
	if len(all) > n {
		all = all[len(all)-n:]
	}
	return all, ""
}
