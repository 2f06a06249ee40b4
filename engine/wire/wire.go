// Package wire defines the messages between slmscope and its llama.cpp worker process: one JSON
// object per line on the worker's stdin (requests) and stdout (events). llama.cpp's own log goes
// to the worker's stderr, which the parent keeps so a crash can be explained.
package wire

// Request ops, parent to worker.
const (
	OpLoad     = "load"
	OpGenerate = "generate"
	OpCancel   = "cancel" // stop the current generation after the token in flight
	OpStatus   = "status" // report memory use now
	// OpQuantize runs llama.cpp's own quantizer (llama_model_quantize) from Path to Out.
	OpQuantize = "quantize"
)

// Event ops, worker to parent.
const (
	OpReady     = "ready"     // sent once at start: runtime loaded, version checked
	OpLoaded    = "loaded"    // model loaded
	OpToken     = "token"     // one generated token
	OpDone      = "done"      // generation finished; Stats set
	OpMemory    = "memory"    // reply to status
	OpQuantized = "quantized" // quantize finished; Out written
	OpError     = "error"     // the request failed; the worker is still usable unless Fatal
)

// Request is one line the parent writes.
type Request struct {
	Op string `json:"op"`

	// load
	Path      string `json:"path,omitempty"`
	Threads   int    `json:"threads,omitempty"`
	Context   int    `json:"context,omitempty"`
	GPULayers int    `json:"gpu_layers,omitempty"`
	// Device is the llama.cpp device to offload to ("Vulkan0"); "" lets llama.cpp use every
	// GPU it found, "cpu" keeps the model off all of them.
	Device string `json:"device,omitempty"`
	// ExpectSize and ExpectModNano are the file's size and modification time when the
	// parent checked it; the worker refuses to load a file that no longer matches.
	ExpectSize    int64 `json:"expect_size,omitempty"`
	ExpectModNano int64 `json:"expect_mod_nano,omitempty"`
	// DirectIO reads the weights with direct I/O instead of mapping the file (the parent's
	// choice, estimate.ReadsDirectly); where the OS has none, llama.cpp reads them buffered.
	DirectIO bool `json:"direct_io,omitempty"`

	// generate
	Prompt       string `json:"prompt,omitempty"`
	PromptTokens int    `json:"prompt_tokens,omitempty"` // >0: repeat/cut the prompt to exactly this many tokens
	MaxTokens    int    `json:"max_tokens,omitempty"`
	IgnoreEOS    bool   `json:"ignore_eos,omitempty"` // keep generating past end-of-text (benchmarks, twins)
	Seed         uint32 `json:"seed,omitempty"`
	Greedy       bool   `json:"greedy,omitempty"` // argmax sampling: cheapest per token (benchmarks)
	// Chat formats Prompt as one user message with the model's own chat template
	// (tokenizer.chat_template, applied by llama.cpp); a model without one gets Prompt as is.
	Chat bool `json:"chat,omitempty"`
	// Temperature and TopP shape sampling (ignored when Greedy); 0 means the defaults,
	// DefaultTemperature and DefaultTopP.
	Temperature float32 `json:"temperature,omitempty"`
	TopP        float32 `json:"top_p,omitempty"`

	// quantize (Path is the input, Threads the quantizer's threads)
	Out             string `json:"out,omitempty"`
	Quant           string `json:"quant,omitempty"` // a llama.cpp file type name: "Q4_K_M", "Q8_0", ...
	Pure            bool   `json:"pure,omitempty"`  // every quantizable tensor in the file type's default type
	AllowRequantize bool   `json:"allow_requantize,omitempty"`
}

// Event is one line the worker writes.
type Event struct {
	Op string `json:"op"`

	// ready
	LlamaVersion string   `json:"llama_version,omitempty"`
	SystemInfo   string   `json:"system_info,omitempty"`
	LibDir       string   `json:"lib_dir,omitempty"`
	Devices      []Device `json:"devices,omitempty"`
	// Build is the llama.cpp build the worker loaded ("linux-x64-vulkan"); Backend its GPU API
	// ("vulkan", "cuda"; "" for the CPU build); BackendNote why a GPU build was passed over.
	Build       string `json:"build,omitempty"`
	Backend     string `json:"backend,omitempty"`
	BackendNote string `json:"backend_note,omitempty"`

	// loaded
	Model *ModelInfo `json:"model,omitempty"`

	// token
	Index int    `json:"i,omitempty"`
	Piece []byte `json:"piece,omitempty"` // raw bytes: a piece may end inside a UTF-8 character

	// done
	Stats *Stats `json:"stats,omitempty"`

	// memory
	RSSBytes     uint64 `json:"rss_bytes,omitempty"`
	PeakRSSBytes uint64 `json:"peak_rss_bytes,omitempty"`

	// error
	Error string `json:"error,omitempty"`
	Fatal bool   `json:"fatal,omitempty"`
}

// EnvDevice, in the worker's environment, says which device the runs will use: "cpu" makes it
// load the CPU build of llama.cpp (a GPU build sends prompt batches to its GPU even with no
// layers there); anything else lets it load a GPU build when the system can run one.
const EnvDevice = "SLMSCOPE_WORKER_DEVICE"

// Device is one ggml backend device as llama.cpp sees it.
type Device struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Type        string `json:"type"` // "CPU", "GPU", "IGPU", "ACCEL"
	MemoryFree  uint64 `json:"memory_free_bytes"`
	MemoryTotal uint64 `json:"memory_total_bytes"`
}

// ModelInfo is what llama.cpp reports about a loaded model.
type ModelInfo struct {
	Description  string  `json:"description"`
	Params       uint64  `json:"params"`
	SizeBytes    uint64  `json:"size_bytes"`
	Layers       int     `json:"layers"`
	ContextTrain int     `json:"context_train"`
	Context      int     `json:"context"`
	Vocab        int     `json:"vocab"`
	Threads      int     `json:"threads"`
	LoadMs       float64 `json:"load_ms"`
	GPULayers    int     `json:"gpu_layers"`
	// LoadMode is llama.cpp's name of how the weights were read ("mmap", "dio", "none").
	LoadMode string `json:"load_mode,omitempty"`
}

// Stats closes one generation: the worker's own clock and llama.cpp's perf counters.
type Stats struct {
	PromptTokens  int     `json:"prompt_tokens"`
	GenTokens     int     `json:"gen_tokens"`
	PromptMs      float64 `json:"prompt_ms"` // worker wall clock: prompt decode incl. first sample
	GenMs         float64 `json:"gen_ms"`    // worker wall clock: first token to last token
	LlamaPromptMs float64 `json:"llama_prompt_ms"`
	LlamaPromptN  int     `json:"llama_prompt_n"`
	LlamaEvalMs   float64 `json:"llama_eval_ms"`
	LlamaEvalN    int     `json:"llama_eval_n"`
	PeakRSSBytes  uint64  `json:"peak_rss_bytes"`
	// HugePageBytes is the worker's memory in transparent huge pages at the end of the run
	// (AnonHugePages; 0 where the OS does not say).
	HugePageBytes uint64 `json:"huge_page_bytes,omitempty"`
	Cancelled     bool   `json:"cancelled,omitempty"`
	StopReason    string `json:"stop_reason"` // "max_tokens", "eos", "cancelled", "context_full"
	// ChatFormat says how a chat request's prompt was formatted (one of the Chat* constants);
	// Formatted is the text the worker tokenized then. Both are empty for plain requests.
	ChatFormat string `json:"chat_format,omitempty"`
	Formatted  string `json:"formatted,omitempty"`
}

// Sampling defaults for interactive runs: the usual chat settings.
const (
	DefaultTemperature = 0.7
	DefaultTopP        = 0.9
	DefaultTopK        = 40
	DefaultSeed        = 42 // a fixed seed: the same prompt gives the same answer
)

// How a chat request's prompt was formatted (Stats.ChatFormat).
const (
	ChatTemplate    = "template"    // the model's own chat template was applied
	ChatNoTemplate  = "no_template" // the model has no chat template: the prompt went as is
	ChatUnsupported = "unsupported" // llama.cpp does not know the model's template: the prompt went as is
)
