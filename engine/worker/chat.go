package worker

import (
	"runtime"

	"github.com/hybridgroup/yzma/pkg/llama"

	"slmscope/engine/wire"
)

// chatPrompt formats user as one user message with model's own chat template
// (tokenizer.chat_template), through llama.cpp's llama_chat_apply_template, ending with the
// assistant's turn so the model answers. A model without a template, or one llama.cpp does
// not recognise, gets the text as is; how says which (a wire.Chat* constant).
func chatPrompt(model llama.Model, user string) (text, how string) {
	tmpl := llama.ModelChatTemplate(model, "")
	if tmpl == "" {
		return user, wire.ChatNoTemplate
	}
	return applyTemplate(tmpl, user)
}

// applyTemplate applies the template tmpl (its text, or a llama.cpp template name) to one
// user message.
func applyTemplate(tmpl, user string) (text, how string) {
	msgs := []llama.ChatMessage{llama.NewChatMessage("user", user)}
	buf := make([]byte, 2*(len(user)+len(tmpl))+256)
	n := llama.ChatApplyTemplate(tmpl, msgs, true, buf)
	if int(n) > len(buf) {
		buf = make([]byte, n)
		n = llama.ChatApplyTemplate(tmpl, msgs, true, buf)
	}
	runtime.KeepAlive(msgs)
	if n <= 0 || int(n) > len(buf) {
		return user, wire.ChatUnsupported
	}
	return string(buf[:n]), wire.ChatTemplate
}

// newSampler is the interactive chain: top-k, top-p, temperature and a seeded draw (the
// wire defaults where the request leaves them 0); or, for benchmarks, greedy argmax, which
// adds the least time per token beside llama.cpp's own.
func newSampler(req wire.Request) llama.Sampler {
	chain := llama.SamplerChainInit(llama.SamplerChainDefaultParams())
	if req.Greedy {
		llama.SamplerChainAdd(chain, llama.SamplerInitGreedy())
		return chain
	}
	temp, topP, seed := req.Temperature, req.TopP, req.Seed
	if temp <= 0 {
		temp = wire.DefaultTemperature
	}
	if topP <= 0 || topP > 1 {
		topP = wire.DefaultTopP
	}
	if seed == 0 {
		seed = wire.DefaultSeed
	}
	llama.SamplerChainAdd(chain, llama.SamplerInitTopK(wire.DefaultTopK))
	llama.SamplerChainAdd(chain, llama.SamplerInitTopP(topP, 1))
	llama.SamplerChainAdd(chain, llama.SamplerInitTemp(temp))
	llama.SamplerChainAdd(chain, llama.SamplerInitDist(seed))
	return chain
}
