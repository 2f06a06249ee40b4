package lessons

import (
	"encoding/json"
	"testing"
)

// FuzzParseLesson: lesson front matter and Markdown from an instructor's folder never
// panic; a lesson that parses renders to blocks without panicking either.
func FuzzParseLesson(f *testing.F) {
	f.Add([]byte(lessonFile("a", "quiz: a.quiz.yaml\n")))
	f.Add([]byte("---\nid: x\n---\n"))
	f.Add([]byte("---\nid: [\n---\n# t\n![i](../p.png)\n"))
	f.Add([]byte("no front matter"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseLesson(data)
		if err != nil {
			return
		}
		_, _ = ParseBlocks(l.Body)
		_ = checkImages(nil, l.Body)
	})
}

// FuzzParseQuiz: quiz files never panic, and an accepted quiz has questions.
func FuzzParseQuiz(f *testing.F) {
	f.Add([]byte(quizFile("a")))
	f.Add([]byte("lesson: a\nquestions: []\n"))
	f.Add([]byte("lesson: a\nquestions:\n  - {id: q, kind: number, prompt: p, answer: 3, tolerance: -1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := ParseQuiz(data)
		if err == nil && len(q.Questions) == 0 {
			t.Fatal("a quiz without questions was accepted")
		}
	})
}

// FuzzDecodeProgress: a progress file (or an import) never panics; one that decodes
// survives a save/load round trip.
func FuzzDecodeProgress(f *testing.F) {
	f.Add([]byte(`{"version":1,"lessons":{"l":{"sessions":1,"questions":{"q":{"attempts":2,"correct":1}}}}}`))
	f.Add([]byte(`{"version":99}`))
	f.Add([]byte(`{"version":1,"lessons":{"l":null}}`))
	f.Add([]byte(`{"version":1,"lessons":{"l":{"best":{"correct":5,"total":1}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decodeProgress(data)
		if err != nil {
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("a decoded progress does not encode: %v", err)
		}
		if _, err := decodeProgress(out); err != nil {
			t.Fatalf("round trip: %v", err)
		}
	})
}
