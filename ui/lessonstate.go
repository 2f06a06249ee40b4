package ui

import (
	"fmt"
	"os"
	"path/filepath"

	"slmscope/lessons"
)

// lessonState is what the Lesson, Quiz and Progress screens share: the lesson catalog, the
// progress store, the lesson being studied, and who to tell when those change.
type lessonState struct {
	lessonsDir   string
	catalog      *lessons.Catalog
	store        *lessons.Store
	storeProblem string // why the default progress path could not be used, if so
	current      string // id of the lesson being studied
	facts        func() lessons.Facts

	onCatalog  []func() // called after Reload
	onProgress []func() // called after progress changes
	startQuiz  func(lessonID string)
}

// lessonState returns the app's shared lesson state, loading the built-in lessons, the
// instructor folder and the progress file the first time.
// It is only called on the UI goroutine.
func (a *App) lessonState() *lessonState {
	if a.lessons != nil {
		return a.lessons
	}
	dir, err := lessons.DefaultLessonsDir()
	if err != nil {
		dir = ""
	}
	progressPath, perr := lessons.DefaultProgressPath()
	problem := ""
	if perr != nil {
		progressPath = filepath.Join(os.TempDir(), "slmscope-progress.json")
		problem = fmt.Sprintf("%v; progress is kept in %s instead, which may be cleared on restart.", perr, progressPath)
	}
	st := newLessonState(dir, progressPath, a.lessonFacts)
	st.storeProblem = problem
	a.lessons = st
	return st
}

// setLessonState installs a state (tests use it to point at temporary folders and fake facts).
func (a *App) setLessonState(st *lessonState) { a.lessons = st }

func newLessonState(lessonsDir, progressPath string, facts func() lessons.Facts) *lessonState {
	st := &lessonState{lessonsDir: lessonsDir, facts: facts}
	st.catalog = lessons.LoadCatalog(lessonsDir)
	st.store = lessons.OpenStore(progressPath)
	if len(st.catalog.Lessons) > 0 {
		st.current = st.catalog.Lessons[0].ID
		if st.catalog.Lesson("lesson8") != nil {
			st.current = "lesson8"
		}
	}
	return st
}

// reload reads the instructor folder again and tells the screens.
func (st *lessonState) reload() {
	st.catalog = lessons.LoadCatalog(st.lessonsDir)
	if st.catalog.Lesson(st.current) == nil && len(st.catalog.Lessons) > 0 {
		st.current = st.catalog.Lessons[0].ID
	}
	for _, f := range st.onCatalog {
		f()
	}
}

func (st *lessonState) progressChanged() {
	for _, f := range st.onProgress {
		f()
	}
}

// lessonTitles lists lesson titles for pickers, in catalog order, and the ids behind them.
func (st *lessonState) lessonTitles() (titles, ids []string) {
	for _, l := range st.catalog.Lessons {
		t := l.Title
		if l.Source != "built-in" {
			t += " (instructor)"
		}
		titles = append(titles, t)
		ids = append(ids, l.ID)
	}
	return titles, ids
}
