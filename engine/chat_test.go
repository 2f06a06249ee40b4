package engine_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"slmscope/engine"
	"slmscope/engine/gguf"
	"slmscope/engine/wire"
)

// smolLM2Template is SmolLM2-135M-Instruct's tokenizer.chat_template (ChatML).
const smolLM2Template = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"

// realTiny is the tiny twin rewritten as a "real" instruct model: no slmscope.twin marker,
// and SmolLM2's chat template in its metadata.
func realTiny(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tiny-instruct.gguf")
	err := gguf.Rewrite(tinyTwin(t), p, func(kvs []gguf.KV) []gguf.KV {
		kvs = gguf.WithoutKV(kvs, func(k string) bool { return strings.HasPrefix(k, "slmscope.") })
		return gguf.WithKV(kvs, "tokenizer.chat_template", gguf.String(smolLM2Template))
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestChatAppliesTheModelsTemplate: a real instruct model's prompt goes through its own chat
// template in the worker; a twin's never does.
func TestChatAppliesTheModelsTemplate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s := &engine.Session{Options: workerOptions()}
	defer s.Close()
	ref, err := engine.ParseModelRef(realTiny(t), "")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := s.Run(ctx, engine.RunRequest{Model: ref, Threads: 2, Context: 256, MaxTokens: 4, Prompt: "What is a GGUF file?", Chat: true}, engine.RunEvents{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Model.Twin {
		t.Fatal("a file without the twin marker was taken for a twin")
	}
	got := sum.Result.Chat
	if !got.Applied() {
		t.Fatalf("chat format %q, want the template applied", got.Format)
	}
	want := "<|im_start|>user\nWhat is a GGUF file?<|im_end|>\n<|im_start|>assistant\n"
	if !strings.Contains(got.Formatted, want) {
		t.Errorf("formatted prompt %q does not contain the ChatML turn %q", got.Formatted, want)
	}
	if sum.Result.PromptTokens <= 5 {
		t.Errorf("prompt tokens %d: the template's markers were not tokenized", sum.Result.PromptTokens)
	}
	if !strings.Contains(got.Note(), "real model") {
		t.Errorf("note %q", got.Note())
	}

	// The twin itself (no template, twin marker): no chat, however asked.
	twinRef, _ := engine.ParseModelRef(tinyTwin(t), "")
	sum, err = s.Run(ctx, engine.RunRequest{Model: twinRef, Threads: 2, Context: 256, MaxTokens: 4, Prompt: "Hi", Chat: true}, engine.RunEvents{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Result.Chat.Format != "" {
		t.Errorf("a twin was chat-formatted: %q", sum.Result.Chat.Format)
	}
}

// TestChatWithoutTemplateFallsBack: a real file without a chat template continues the prompt
// as plain text, and says so; greedy sampling gives the same tokens every time.
func TestChatWithoutTemplateFallsBack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	w := startLoaded(t, 256)
	var runs [2]string
	for i := range runs {
		res, err := w.Generate(ctx, engine.GenerateOptions{Prompt: "Hello there", MaxTokens: 6, Chat: true, Greedy: true, IgnoreEOS: true},
			func(tk engine.Token) { runs[i] += string(tk.Piece) })
		if err != nil {
			t.Fatal(err)
		}
		if res.Chat.Format != wire.ChatNoTemplate || res.Chat.Formatted != "Hello there" {
			t.Errorf("chat %+v, want no_template with the prompt as is", res.Chat)
		}
	}
	if runs[0] != runs[1] {
		t.Errorf("greedy runs differ: %q vs %q", runs[0], runs[1])
	}
	if _, err := w.Generate(ctx, engine.GenerateOptions{Prompt: "x", Temperature: 9}, nil); err == nil || !strings.Contains(err.Error(), "temperature") {
		t.Errorf("temperature 9 accepted: %v", err)
	}
}

func TestSamplingDescribe(t *testing.T) {
	if got := (engine.Sampling{}).Describe(); got != "temperature 0.7, top-p 0.9, seed 42" {
		t.Errorf("default sampling %q", got)
	}
	if got := (engine.Sampling{Greedy: true}).Describe(); !strings.HasPrefix(got, "greedy") {
		t.Errorf("greedy %q", got)
	}
}
