package lessons

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"slmscope/internal/safefile"
)

// maxFileSize bounds a lesson or quiz file; anything larger is surely a mistake.
const maxFileSize = 1 << 20

// FileError is a problem with one file of a lessons folder.
type FileError struct {
	File string // the file's name inside the folder
	Err  error
}

func (e *FileError) Error() string { return e.File + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// missingDirError says a lessons folder does not exist; errors.Is(err, fs.ErrNotExist) holds.
type missingDirError string

func (d missingDirError) Error() string {
	return "the lessons folder " + string(d) + " does not exist; create it and put lesson files (.md) in it"
}
func (d missingDirError) Unwrap() error { return fs.ErrNotExist }

// DefaultLessonsDir is the instructor lessons folder: <user config dir>/slmscope/lessons.
func DefaultLessonsDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find your user config folder for instructor lessons: %w", err)
	}
	return filepath.Join(d, "slmscope", "lessons"), nil
}

//go:embed content
var builtinFS embed.FS

// Builtin returns the lessons embedded in slmscope. They are checked by tests, so an error
// here is a bug in slmscope, not in the learner's setup.
func Builtin() ([]*Lesson, []error) {
	sub, err := fs.Sub(builtinFS, "content")
	if err != nil {
		return nil, []error{err}
	}
	ls, errs := LoadFS(sub)
	for _, l := range ls {
		l.Source = "built-in"
	}
	return ls, errs
}

// LoadDir loads every lesson in an instructor folder. Each bad file gives one FileError and
// the other lessons still load. Nothing outside dir can be read: quiz paths must be relative
// and inside the folder, and links that leave the folder are refused. A missing folder gives
// one error that wraps fs.ErrNotExist.
func LoadDir(dir string) ([]*Lesson, []error) {
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, []error{missingDirError(dir)}
		}
		return nil, []error{fmt.Errorf("cannot open the lessons folder: %w", err)}
	}
	if !st.IsDir() {
		return nil, []error{fmt.Errorf("%s is a file, not a folder of lessons", dir)}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, []error{fmt.Errorf("cannot open the lessons folder %s: %w", dir, err)}
	}
	defer root.Close()
	ls, errs := LoadFS(root.FS())
	for _, l := range ls {
		l.Source = filepath.Join(dir, filepath.FromSlash(l.Source))
	}
	return ls, errs
}

// quizExts are tried, in order, for a lesson without a quiz field: <base>.quiz<ext>.
var quizExts = []string{".quiz.yaml", ".quiz.yml", ".quiz.json"}

// LoadFS loads the lessons at the top level of fsys (files ending in .md, except README.md)
// with their quizzes. Lesson.Source is set to the file name. Errors are *FileError values.
func LoadFS(fsys fs.FS) ([]*Lesson, []error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, []error{fmt.Errorf("cannot list the lessons folder: %w", err)}
	}
	ld := &folderLoader{fsys: fsys, usedQuiz: map[string]bool{}, byID: map[string]string{}}
	for _, e := range entries {
		if isLessonFile(e) {
			ld.loadLesson(e.Name())
		}
	}
	for _, e := range entries {
		if isQuizFile(e) && !ld.usedQuiz[e.Name()] {
			ld.fail(e.Name(), errors.New("no lesson uses this quiz file: name it <lesson file name>.quiz.yaml, or set quiz: in the lesson's front matter"))
		}
	}
	SortLessons(ld.lessons)
	return ld.lessons, ld.errs
}

// folderLoader collects the lessons of one folder and the problems found on the way.
type folderLoader struct {
	fsys     fs.FS
	lessons  []*Lesson
	errs     []error
	usedQuiz map[string]bool   // quiz files some lesson uses (or tries to)
	byID     map[string]string // lesson id → file that has it
}

// fail records a problem with file.
func (ld *folderLoader) fail(file string, e error) {
	ld.errs = append(ld.errs, &FileError{File: file, Err: e})
}

// isLessonFile reports whether e is a lesson: a visible .md file other than README.md.
func isLessonFile(e fs.DirEntry) bool {
	name := e.Name()
	return !strings.HasPrefix(name, ".") && !e.IsDir() && strings.EqualFold(path.Ext(name), ".md") && !strings.EqualFold(name, "README.md")
}

// isQuizFile reports whether e could be a quiz: a visible .yaml, .yml or .json file.
func isQuizFile(e fs.DirEntry) bool {
	name := e.Name()
	ext := strings.ToLower(path.Ext(name))
	return !e.IsDir() && !strings.HasPrefix(name, ".") && (ext == ".yaml" || ext == ".yml" || ext == ".json")
}

// loadLesson reads and parses the lesson file name and, unless its id is taken, adds it
// with its quiz. A broken image or quiz is reported but the lesson's text still loads.
func (ld *folderLoader) loadLesson(name string) {
	data, err := readText(ld.fsys, name)
	if err != nil {
		ld.fail(name, err)
		return
	}
	l, err := ParseLesson(data)
	if err != nil {
		ld.fail(name, err)
		return
	}
	if prev, dup := ld.byID[l.ID]; dup {
		ld.fail(name, fmt.Errorf("id %q is already used by %s; give each lesson its own id", l.ID, prev))
		return
	}
	ld.byID[l.ID] = name
	l.Source = name
	ld.lessons = append(ld.lessons, l)
	if err := checkImages(ld.fsys, l.Body); err != nil {
		ld.fail(name, err) // reported; the lesson's text still loads
	}
	ld.attachQuiz(l, name)
}

// attachQuiz finds, reads and checks the quiz of lesson l (from file name) and sets it.
func (ld *folderLoader) attachQuiz(l *Lesson, name string) {
	if l.Quiz != "" {
		ld.usedQuiz[path.Clean(l.Quiz)] = true // reported below if it cannot be used
	}
	quizName, err := quizFileFor(ld.fsys, name, l.Quiz)
	if err != nil {
		ld.fail(name, err)
		return
	}
	if quizName == "" {
		return
	}
	ld.usedQuiz[quizName] = true
	q, err := readQuiz(ld.fsys, quizName)
	if err != nil {
		ld.fail(quizName, err)
		return
	}
	if q.Lesson != l.ID {
		ld.fail(quizName, fmt.Errorf("lesson is %q but the quiz belongs to %s, whose id is %q", q.Lesson, name, l.ID))
		return
	}
	l.QuizSet = q
}

// quizFileFor finds a lesson's quiz: the front matter's quiz field, checked to stay inside the
// folder, or <base>.quiz.yaml/.yml/.json if present. "" means the lesson has no quiz.
func quizFileFor(fsys fs.FS, lessonFile, field string) (string, error) {
	if field == "" {
		base := strings.TrimSuffix(lessonFile, path.Ext(lessonFile))
		for _, ext := range quizExts {
			if _, err := fs.Stat(fsys, base+ext); err == nil {
				return base + ext, nil
			}
		}
		return "", nil
	}
	if strings.Contains(field, `\`) || path.IsAbs(field) || filepath.IsAbs(field) || filepath.VolumeName(field) != "" {
		return "", fmt.Errorf("quiz: %q is not allowed: give a file name inside the lessons folder, with / between folders", field)
	}
	clean := path.Clean(field)
	if !fs.ValidPath(clean) || clean == "." {
		return "", fmt.Errorf("quiz: %q points outside the lessons folder; lessons may only use files inside it", field)
	}
	if _, err := fs.Stat(fsys, clean); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("quiz: the file %q does not exist in the lessons folder", field)
		}
		return "", fmt.Errorf("quiz: %q cannot be used: %w", field, explainFSError(err))
	}
	return clean, nil
}

// readText reads a lesson or quiz file from fsys (see readLimited) and refuses it unless it
// is UTF-8 text.
func readText(fsys fs.FS, name string) ([]byte, error) {
	data, err := readLimited(fsys, name)
	if err != nil {
		return nil, err
	}
	if err := checkText(data); err != nil {
		return nil, err
	}
	return data, nil
}

// readQuiz reads and parses a quiz file from fsys, refusing one with too many questions.
func readQuiz(fsys fs.FS, name string) (*Quiz, error) {
	data, err := readText(fsys, name)
	if err != nil {
		return nil, err
	}
	q, err := ParseQuiz(data)
	if err != nil {
		return nil, err
	}
	if err := checkQuizSize(q); err != nil {
		return nil, err
	}
	return q, nil
}

// readLimited reads a regular file of at most maxFileSize bytes from fsys.
func readLimited(fsys fs.FS, name string) ([]byte, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errors.New("it is a broken link or was removed while loading")
		}
		return nil, explainFSError(err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("it is %s, not a regular file: lessons and quizzes must be ordinary files", safefile.Describe(st.Mode()))
	}
	if st.Size() > maxFileSize {
		return nil, fmt.Errorf("it is %d bytes; lesson and quiz files may be at most %d", st.Size(), maxFileSize)
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("cannot be read: %w", err)
	}
	return data, nil
}

// explainFSError words a file error for an instructor, naming the refusal of links that leave
// the folder (os.Root reports those as "path escapes from parent").
func explainFSError(err error) error {
	if strings.Contains(err.Error(), "escapes") || strings.Contains(err.Error(), "absolute") {
		return fmt.Errorf("it is a link to a file outside the lessons folder (or an absolute link), which is refused: copy the file into the folder instead (%w)", err)
	}
	return fmt.Errorf("cannot be read: %w", err)
}

// SortLessons orders lessons by track, number, then title.
func SortLessons(ls []*Lesson) {
	sort.SliceStable(ls, func(i, j int) bool {
		a, b := ls[i], ls[j]
		if a.Track != b.Track {
			return a.Track < b.Track
		}
		if a.Number != b.Number {
			return a.Number < b.Number
		}
		return a.Title < b.Title
	})
}

// Catalog is every lesson the app can show: the built-in ones, then the instructor folder's.
type Catalog struct {
	Lessons []*Lesson
	Errors  []error // problems in the instructor folder (and, if any, in built-in content)
	Dir     string  // the instructor folder
	// DirMissing says the instructor folder does not exist, which is normal: not an error.
	DirMissing bool
}

// LoadCatalog loads the built-in lessons and those in dir (if dir is not ""). A folder lesson
// whose id is a built-in lesson's is refused with an error.
func LoadCatalog(dir string) *Catalog {
	c := &Catalog{Dir: dir}
	c.Lessons, c.Errors = Builtin()
	if dir == "" {
		return c
	}
	extra, errs := LoadDir(dir)
	if len(extra) == 0 && len(errs) == 1 && errors.Is(errs[0], fs.ErrNotExist) {
		c.DirMissing = true
		return c
	}
	c.Errors = append(c.Errors, errs...)
	for _, l := range extra {
		if c.Lesson(l.ID) != nil {
			c.Errors = append(c.Errors, &FileError{File: filepath.Base(l.Source), Err: fmt.Errorf("id %q is a built-in lesson's; choose another id", l.ID)})
			continue
		}
		c.Lessons = append(c.Lessons, l)
	}
	return c
}

// Lesson returns the lesson with id, or nil.
func (c *Catalog) Lesson(id string) *Lesson {
	for _, l := range c.Lessons {
		if l.ID == id {
			return l
		}
	}
	return nil
}
