package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"slmscope/engine"
	"slmscope/engine/gguf"
	"slmscope/internal/units"
)

// smolLM2Template is SmolLM2-135M-Instruct's tokenizer.chat_template (ChatML).
const smolLM2Template = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"

// writeRealTiny writes the tiny twin as a "real" instruct model into dir: without the
// slmscope.twin marker and with SmolLM2's chat template.
func writeRealTiny(t *testing.T, dir, name string) string {
	t.Helper()
	src := writeTinyTwin(t, t.TempDir())
	p := filepath.Join(dir, name)
	err := gguf.Rewrite(src, p, func(kvs []gguf.KV) []gguf.KV {
		kvs = gguf.WithoutKV(kvs, func(k string) bool { return strings.HasPrefix(k, "slmscope.") })
		return gguf.WithKV(kvs, engine.KeyChatTemplate, gguf.String(smolLM2Template))
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLiveRunRealModelChats: a real instruct file is run through its chat template and its
// output is labelled "real model", never with the twin disclaimer.
func TestLiveRunRealModelChats(t *testing.T) {
	real := writeRealTiny(t, t.TempDir(), "tiny-instruct.gguf")
	_, l := liveRunFor(t, real)
	selectChoice(t, l, "File: tiny-instruct.gguf")
	if l.samplingKey() != "chat" {
		t.Errorf("default sampling %q, want chat", l.samplingKey())
	}
	if req, err := l.request(); err != nil || !req.Chat || req.Sampling != (engine.Sampling{}) {
		t.Errorf("request %+v, %v: want chat with the default sampling", req, err)
	}
	l.maxTokens.SetText("6")
	test.Tap(l.runBtn)
	waitFor(t, "the run to finish", 60*time.Second, func() bool { return !l.runBtn.Disabled() })
	if !l.errCard.Hidden {
		t.Fatalf("error shown: %s", l.errBox.Text)
	}
	if l.twinTag.Hidden || !strings.HasPrefix(l.twinTag.Text, "real model") || strings.Contains(l.twinTag.Text, units.TwinDisclaimer) {
		t.Errorf("output tag %q (hidden %v), want the real-model label", l.twinTag.Text, l.twinTag.Hidden)
	}
	if !strings.Contains(l.twinTag.Text, "chat template") {
		t.Errorf("tag %q does not say the chat template was applied", l.twinTag.Text)
	}

	// Greedy is remembered by its key; a twin is labelled as one again.
	l.sampling.SetSelectedIndex(2)
	if got := l.a.fyne.Preferences().String(prefLiveSampling); got != "greedy" {
		t.Errorf("sampling preference %q", got)
	}
	if !l.samplingValue().Greedy {
		t.Error("greedy choice does not sample greedily")
	}
	selectChoice(t, l, "SmolLM2-135M (twin")
	l.showModelKind(l.selected().ref, false)
	if l.twinTag.Text != units.TwinDisclaimer {
		t.Errorf("twin tag %q", l.twinTag.Text)
	}
}
