package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"slmscope/lessons"
)

func init() {
	register("lessons", "check lesson files: `lessons check [DIR]` (default: the instructor folder)", runLessons)
}

// runLessons handles `slmscope lessons check [DIR]` and `slmscope lessons path`.
func runLessons(args []string, stdout, stderr io.Writer) int {
	usage := func() {
		fmt.Fprintln(stderr, "usage: slmscope lessons check [DIR]   validate a lessons folder (default: the instructor folder)")
		fmt.Fprintln(stderr, "       slmscope lessons path          print the instructor lessons folder")
	}
	if len(args) == 0 {
		usage()
		return ExitUsage
	}
	switch args[0] {
	case "check":
		return lessonsCheck(args[1:], stdout, stderr)
	case "path":
		if len(args) > 1 {
			usage()
			return ExitUsage
		}
		dir, err := lessons.DefaultLessonsDir()
		if err != nil {
			fmt.Fprintln(stderr, "slmscope lessons:", err)
			return ExitFail
		}
		fmt.Fprintln(stdout, dir)
		return ExitOK
	}
	if isHelp(args[0]) {
		usage()
		return ExitOK
	}
	fmt.Fprintf(stderr, "slmscope lessons: unknown sub-command %q\n", args[0])
	usage()
	return ExitUsage
}

func lessonsCheck(args []string, stdout, stderr io.Writer) int {
	fl := newFlags("lessons check", stderr)
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: slmscope lessons check [DIR]\n\nChecks every lesson (.md) and quiz file in DIR (default: the instructor lessons folder)\nand prints one line per problem. Exit status 1 if any file has a problem.")
		fl.PrintDefaults()
	}
	if code, ok := parseFlags(fl, args); !ok {
		return code
	}
	if fl.NArg() > 1 {
		fmt.Fprintln(stderr, "slmscope lessons check: give at most one folder")
		return ExitUsage
	}
	dir := fl.Arg(0)
	if dir == "" {
		d, err := lessons.DefaultLessonsDir()
		if err != nil {
			fmt.Fprintln(stderr, "slmscope lessons check:", err)
			return ExitFail
		}
		if _, err := os.Stat(d); errors.Is(err, fs.ErrNotExist) {
			// A fresh install has no instructor folder yet: check what ships instead.
			fmt.Fprintf(stdout, "no instructor lessons yet (%s does not exist); checking the built-in lessons\n", d)
			ls, errs := lessons.Builtin()
			return reportLessons(stdout, stderr, "built-in lessons", ls, errs)
		}
		dir = d
	}
	ls, errs := lessons.LoadDir(dir)
	if len(errs) == 1 && len(ls) == 0 && errors.Is(errs[0], fs.ErrNotExist) {
		fmt.Fprintln(stderr, "slmscope lessons check:", errs[0])
		return ExitFail
	}
	return reportLessons(stdout, stderr, dir, ls, errs)
}

// reportLessons prints one line per lesson and per problem; exit 1 if any problem or none.
func reportLessons(stdout, stderr io.Writer, dir string, ls []*lessons.Lesson, errs []error) int {
	for _, l := range ls {
		q := "no quiz"
		if l.QuizSet != nil {
			q = fmt.Sprintf("quiz with %d questions", len(l.QuizSet.Questions))
		}
		fmt.Fprintf(stdout, "ok    %s  %s (%s)\n", l.ID, l.Title, q)
	}
	for _, e := range errs {
		fmt.Fprintf(stdout, "error %v\n", e)
	}
	fmt.Fprintf(stdout, "%s: %d lessons, %d problems\n", dir, len(ls), len(errs))
	if len(errs) > 0 {
		fmt.Fprintf(stderr, "slmscope lessons check: %d problems in %s (listed above)\n", len(errs), dir)
		return ExitFail
	}
	if len(ls) == 0 {
		fmt.Fprintf(stderr, "slmscope lessons check: no lessons (.md files) in %s\n", dir)
		return ExitFail
	}
	return ExitOK
}
