// Package lessons holds slmscope's course content and everything around it that is not
// drawing: the lesson file format (Markdown with YAML front matter), quiz files and their
// validation, the quiz engine and scoring, live questions computed from this machine's facts,
// the learner's progress store, and the instructor lessons folder. It never imports Fyne.
package lessons

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Levels a lesson may declare.
var Levels = []string{"beginner", "intermediate", "advanced"}

// KeyTerm is one entry of a lesson's glossary.
type KeyTerm struct {
	Term    string `yaml:"term" json:"term"`
	Meaning string `yaml:"meaning" json:"meaning"`
}

// FrontMatter is the YAML header of a lesson file, between two "---" lines.
type FrontMatter struct {
	ID            string    `yaml:"id"`
	Track         string    `yaml:"track"`
	Number        int       `yaml:"number"`
	Title         string    `yaml:"title"`
	Level         string    `yaml:"level"`
	ReadTime      int       `yaml:"read_time"` // minutes
	Goal          string    `yaml:"goal"`
	Prerequisites []string  `yaml:"prerequisites"`
	KeyTerms      []KeyTerm `yaml:"key_terms"`
	// Glossary names terms of the app's glossary (glossary.go) shown with the key terms.
	Glossary []string `yaml:"glossary"`
	// Quiz names the quiz file, relative to the lesson's folder. Empty means "<base>.quiz.yaml"
	// (or .yml / .json) if such a file exists, else no quiz.
	Quiz string `yaml:"quiz"`
}

// Lesson is one parsed lesson: its front matter, its Markdown body and, if it has one, its quiz.
type Lesson struct {
	FrontMatter
	Body    string
	Blocks  []Block
	QuizSet *Quiz
	// Source says where the lesson came from: "built-in" or the file's path.
	Source string
}

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// ErrNoFrontMatter means a lesson file does not start with a "---" line.
var ErrNoFrontMatter = errors.New(`the file must start with a front matter block: a line "---", YAML fields (id, title, ...), and a closing "---"`)

// ParseLesson parses a lesson file's bytes. It checks the front matter (known fields only,
// required fields present and sensible) and the body (tables and "on this machine" markers).
// The quiz is not loaded here; see LoadDir and Builtin.
func ParseLesson(data []byte) (*Lesson, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM some editors add
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		return nil, ErrNoFrontMatter
	}
	rest := text[len("---\n"):]
	end := strings.Index(rest, "\n---\n")
	var head, body string
	switch {
	case strings.HasPrefix(rest, "---\n"):
		head, body = "", rest[len("---\n"):]
	case end >= 0:
		head, body = rest[:end+1], rest[end+len("\n---\n"):]
	case strings.HasSuffix(rest, "\n---"):
		head, body = rest[:len(rest)-len("---")], ""
	default:
		return nil, errors.New(`front matter is not closed: add a line "---" after the YAML fields`)
	}
	var fm FrontMatter
	dec := yaml.NewDecoder(strings.NewReader(head))
	dec.KnownFields(true)
	if err := dec.Decode(&fm); err != nil {
		if errors.Is(err, io.EOF) || strings.TrimSpace(head) == "" {
			return nil, errors.New("front matter is empty: it needs at least id, title, level and read_time")
		}
		return nil, fmt.Errorf("front matter: %w", cleanYAMLError(err, 1))
	}
	if err := fm.validate(); err != nil {
		return nil, fmt.Errorf("front matter: %w", err)
	}
	blocks, err := ParseBlocks(body)
	if err != nil {
		return nil, fmt.Errorf("lesson text: %w", err)
	}
	return &Lesson{FrontMatter: fm, Body: body, Blocks: blocks}, nil
}

func (fm *FrontMatter) validate() error {
	var probs []string
	if fm.ID == "" {
		probs = append(probs, "id is missing")
	} else if !idRE.MatchString(fm.ID) {
		probs = append(probs, fmt.Sprintf("id %q must be lower-case letters, digits, '-' or '_' (at most 64)", fm.ID))
	}
	if strings.TrimSpace(fm.Title) == "" {
		probs = append(probs, "title is missing")
	}
	if fm.Level == "" {
		probs = append(probs, "level is missing (beginner, intermediate or advanced)")
	} else if !contains(Levels, fm.Level) {
		probs = append(probs, fmt.Sprintf("level %q is not one of beginner, intermediate, advanced", fm.Level))
	}
	if fm.ReadTime <= 0 {
		probs = append(probs, "read_time must be a positive number of minutes")
	}
	if fm.Number < 0 {
		probs = append(probs, "number must not be negative")
	}
	for i, p := range fm.Prerequisites {
		if strings.TrimSpace(p) == "" {
			probs = append(probs, fmt.Sprintf("prerequisites item %d is empty", i+1))
		}
	}
	for i, k := range fm.KeyTerms {
		if strings.TrimSpace(k.Term) == "" || strings.TrimSpace(k.Meaning) == "" {
			probs = append(probs, fmt.Sprintf("key_terms item %d needs both term and meaning", i+1))
		}
	}
	probs = append(probs, checkGlossary(fm.Glossary)...)
	if len(probs) > 0 {
		return errors.New(strings.Join(probs, "; "))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// cleanYAMLError makes yaml.v3's messages read better and shifts its line numbers by offset
// (the front matter starts on the file's second line).
func cleanYAMLError(err error, offset int) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
	msg = strings.ReplaceAll(msg, "\n  ", "; ")
	if offset != 0 {
		msg = lineRE.ReplaceAllStringFunc(msg, func(m string) string {
			var n int
			fmt.Sscanf(m, "line %d", &n)
			return fmt.Sprintf("line %d", n+offset)
		})
	}
	msg = strings.ReplaceAll(msg, "in type lessons.", "in ")
	return errors.New(msg)
}

var lineRE = regexp.MustCompile(`line \d+`)
