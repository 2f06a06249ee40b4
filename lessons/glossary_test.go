package lessons

import (
	"strings"
	"testing"
)

func TestGlossaryCoversTheScreensWords(t *testing.T) {
	for _, id := range []string{TermTTFT, TermTokPerSec, TermPercentiles, TermPromptGen, TermKVCache, TermRSS,
		TermQuant, TermQuantNames, TermRoofline, TermBandwidth} {
		term, ok := GlossaryTerm(id)
		if !ok || term.Name == "" || len(term.Meaning) < 40 {
			t.Errorf("glossary term %q missing or too short: %+v", id, term)
		}
	}
	if md := GlossaryMarkdown(TermTTFT); !strings.Contains(md, "512-token prompt") || strings.Contains(md, "KV cache") {
		t.Errorf("GlossaryMarkdown(ttft) = %q", md)
	}
}

func TestLessonKeyTermsIncludeGlossary(t *testing.T) {
	good := "---\nid: demo\ntitle: Demo\nlevel: beginner\nread_time: 3\nkey_terms:\n  - term: A\n    meaning: B\nglossary: [ttft, kv-cache]\n---\nBody.\n"
	l, err := ParseLesson([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	terms := l.AllKeyTerms()
	if len(terms) != 3 || terms[0].Term != "A" || !strings.HasPrefix(terms[1].Term, "TTFT") || terms[2].Term != "KV cache" {
		t.Errorf("key terms %+v", terms)
	}
	bad := strings.Replace(good, "kv-cache", "kv-cash", 1)
	if _, err := ParseLesson([]byte(bad)); err == nil || !strings.Contains(err.Error(), `no term "kv-cash"`) {
		t.Errorf("unknown glossary id: err %v", err)
	}
}
