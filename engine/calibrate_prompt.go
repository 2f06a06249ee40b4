package engine

// PromptLength is the prompt a ladder step's twin decodes after.
type PromptLength int

const (
	// ShortPrompt alternates between half and one and a half times PromptTokens.
	ShortPrompt PromptLength = iota
	// LongPrompt is longPromptFactor times PromptTokens.
	LongPrompt
)

// longPromptFactor is how many times PromptTokens a LongPrompt step's prompt is: 1024 tokens
// by default, so that its tokens decode at positions past 1000. There, the attention of
// SmolLM2-135M takes about as long as its weights (2.6 of 9.1 ms a token here), which pins the
// kernel model's attention term; runs at 80 and 208 positions alone cannot tell it from noise.
// Two small twins are enough and cost about 10 s of the budget.
const longPromptFactor = 8

// promptFor is the prompt length of ladder step st (numbered from 1). Prompts alternate
// between half and one and a half times PromptTokens, so the per-kernel prompt model sees how
// prompt speed moves with length; LongPrompt steps get longPromptFactor times PromptTokens.
func (o CalibrateOptions) promptFor(step int, st LadderStep) int {
	switch {
	case st.Prompt == LongPrompt:
		return o.PromptTokens * longPromptFactor
	case step%2 == 0:
		return o.PromptTokens * 3 / 2
	}
	return o.PromptTokens / 2
}
