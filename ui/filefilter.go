package ui

import (
	"strings"

	"slmscope/engine"

	"fyne.io/fyne/v2"
)

// regularFiles is a file-dialog filter that shows only regular files with one of the given
// extensions. Fyne's open dialog opens the chosen file on the UI goroutine, and opening a
// named pipe there would freeze the window until a writer appears: such files are never
// offered (slmscope's own checks refuse them too).
type regularFiles struct{ exts []string }

// Matches reports whether u names a regular file with an accepted extension.
func (f regularFiles) Matches(u fyne.URI) bool {
	ok := len(f.exts) == 0
	for _, e := range f.exts {
		if strings.EqualFold(u.Extension(), e) {
			ok = true
		}
	}
	if !ok || u.Scheme() != "file" {
		return false
	}
	st, err := engine.CheckFile(u.Path())
	return err == nil && st.Mode().IsRegular()
}
