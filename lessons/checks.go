package lessons

import (
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxQuestions bounds a quiz: more is surely a generated or broken file, and would make the
// quiz screen unusable.
const maxQuestions = 200

// checkText refuses bytes that are not UTF-8 text, naming the first bad byte.
func checkText(data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	i := 0
	for i < len(data) {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		i += n
	}
	return fmt.Errorf("it is not UTF-8 text (bad byte 0x%02x at offset %d): save it as UTF-8 in your editor", data[i], i)
}

// checkQuizSize refuses a quiz with more than maxQuestions questions.
func checkQuizSize(q *Quiz) error {
	if len(q.Questions) > maxQuestions {
		return fmt.Errorf("it has %d questions; a quiz may have at most %d: split it into several lessons", len(q.Questions), maxQuestions)
	}
	return nil
}

// imageRef matches a Markdown image: ![alt](target "title").
var imageRef = regexp.MustCompile(`!\[[^\]]*\]\(\s*<?([^)\s>]+)>?[^)]*\)`)

// checkImages names every image a lesson refers to that is not a file inside the lessons
// folder: an absolute path, a path through "..", a link that leaves the folder, or a web
// address. Nothing is read; fsys is only asked whether the file is there.
func checkImages(fsys fs.FS, body string) error {
	var bad []string
	for _, m := range imageRef.FindAllStringSubmatch(body, -1) {
		target := m[1]
		if u, err := url.Parse(target); err == nil && u.Scheme != "" && len(u.Scheme) > 1 {
			bad = append(bad, fmt.Sprintf("%q is a web address (slmscope shows only images inside the lessons folder)", target))
			continue
		}
		clean := path.Clean(target)
		if strings.Contains(target, `\`) || path.IsAbs(target) || filepath.IsAbs(target) || filepath.VolumeName(target) != "" || !fs.ValidPath(clean) {
			bad = append(bad, fmt.Sprintf("%q points outside the lessons folder", target))
			continue
		}
		if fsys != nil {
			if _, err := fs.Stat(fsys, clean); err != nil {
				if strings.Contains(err.Error(), "escapes") {
					bad = append(bad, fmt.Sprintf("%q is a link to a file outside the lessons folder", target))
				} else {
					bad = append(bad, fmt.Sprintf("%q is not in the lessons folder", target))
				}
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("image %s: copy the image into the lessons folder and refer to it by its name there", strings.Join(bad, "; image "))
}
