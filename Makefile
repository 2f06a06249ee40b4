# slmscope: `make run` opens the app, `make test` runs every check. Both run `make setup` first.
GO ?= go
BIN := bin/slmscope
# staticcheck is pinned (v0.8.2 needs and knows go1.26); `go install` builds it into bin/.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# Pinned linters: gocyclo keeps every function's cyclomatic complexity at 15 or less; goimports
# groups imports the standard way (standard library, third party, then slmscope's own).
GOCYCLO := github.com/fzipp/gocyclo/cmd/gocyclo@v0.6.0
GOIMPORTS := golang.org/x/tools/cmd/goimports@v0.41.0
# The source folders (build/ holds check roots with Go trees of their own).
SRC_DIRS := charts engine hwprobe internal lessons ui main.go main_test.go
# Packages that must build without cgo and vet for other operating systems (everything but ui).
PURE := ./internal/... ./engine/... ./hwprobe/... ./charts/... ./lessons/...

.PHONY: setup build debug run test test-clean-root vet staticcheck lint fmt-check bench accuracy kquant-accuracy dist dist-check dist-windows dist-windows-check dist-windows-vulkan dist-windows-vulkan-check

setup:
	@sh engine/assets/setup.sh

build: setup
	$(GO) build -o $(BIN) .

# debug keeps Fyne's thread checker on and the race detector in.
debug: setup
	$(GO) build -race -tags debug -o $(BIN) .

run: build
	./$(BIN)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./... a.slmscope/clocale
	CGO_ENABLED=0 $(GO) build $(PURE)
	CGO_ENABLED=0 GOOS=darwin GOARCH=arm64 $(GO) vet $(PURE)
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) vet $(PURE)

# staticcheck also reads the other operating systems' files of the packages that vet for them.
staticcheck:
	GOBIN=$(CURDIR)/bin $(GO) install $(STATICCHECK)
	bin/staticcheck ./... a.slmscope/clocale
	CGO_ENABLED=0 GOOS=darwin GOARCH=arm64 bin/staticcheck $(PURE)
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 bin/staticcheck $(PURE)

# lint: cyclomatic complexity over 15 (test files left out: a table-driven test's loop of
# checks reads best whole) and imports not grouped the goimports way.
lint:
	GOBIN=$(CURDIR)/bin $(GO) install $(GOCYCLO)
	GOBIN=$(CURDIR)/bin $(GO) install $(GOIMPORTS)
	@out=$$(bin/gocyclo -over 15 -ignore '_test.go$$' $(SRC_DIRS)); \
	if [ -n "$$out" ]; then echo "functions over cyclomatic complexity 15 (split them):"; echo "$$out"; exit 1; fi
	@out=$$(bin/goimports -local slmscope -l $$(git ls-files '*.go' 2>/dev/null || find $(SRC_DIRS) -name '*.go')); \
	if [ -n "$$out" ]; then echo "imports not grouped the goimports way (bin/goimports -local slmscope -w FILE):"; echo "$$out"; exit 1; fi

test: setup fmt-check vet staticcheck lint build
	SLMSCOPE_GPU_TESTS=lavapipe $(GO) test -count=1 -timeout 30m ./... a.slmscope/clocale
	$(GO) test -race -count=1 -timeout 20m ./lessons/... ./engine/gguf/... ./engine/twin/... ./engine/estimate/... ./internal/... ./engine/quant/... ./engine/ident/... ./charts/...
	# The UI under the race detector: jobs hand widgets their results through App.do only.
	$(GO) test -race -count=1 -timeout 20m ./ui/...

# test-clean-root: the README's `make test` in a fresh minimal Debian 12 root (debootstrap) with
# only Go, make and git added, on a fresh clone of HEAD (RUNS=2 runs it twice). Needs root.
test-clean-root:
	@sh engine/assets/dist/cleanroot.sh

# bench: the speed goals (wall clock vs llama.cpp's counter, worker start, twin writing,
# GGUF parsing, memory bandwidth), then slmscope bench on the SmolLM2-135M twin.
bench: build
	$(GO) test -run '^$$' -bench 'GenerateSmolLM2|WorkerStart' -benchtime 3x ./engine/
	$(GO) test -run '^$$' -bench . -benchtime 3x ./engine/twin/ ./engine/gguf/ ./hwprobe/
	./$(BIN) bench --model twin:smollm2-135m --quant q8_0 --prompt-tokens 512 --gen-tokens 128 --threads 2 --repeat 3

# kquant-accuracy: files made by llama.cpp's own quantizer, projected before they are run,
# then measured (issue 9's goals; run it on an idle machine, ~10 min).
kquant-accuracy: build
	$(GO) test -run '^$$' -bench KQuantAccuracy -benchtime 1x -timeout 40m ./engine/

# accuracy: the projection goals, on a 90 s calibration ladder (run it on an idle machine).
accuracy: build
	$(GO) test -run '^$$' -bench ProjectionAccuracy -benchtime 1x -timeout 30m ./engine/

# fuzz: every parser of outside data (lessons, quizzes, progress, calibration cache, price
# table, bandwidth cache, Ollama manifests, download URLs, GGUF) for FUZZTIME each; the seed
# corpora live in each package's testdata/fuzz.
FUZZTIME ?= 20s
FUZZ_TARGETS := ./lessons:FuzzParseLesson ./lessons:FuzzParseQuiz ./lessons:FuzzDecodeProgress \
	./engine/estimate:FuzzParsePrices ./engine/estimate:FuzzCalibrationCache ./hwprobe:FuzzBandwidthCache \
	./engine/localmodels:FuzzOllamaManifest ./engine/download:FuzzPinURL ./engine/gguf:FuzzParse \
	./engine/runs:FuzzLoad ./engine/results:FuzzDecode
.PHONY: fuzz
fuzz:
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$fn ($$pkg) for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) -parallel 2 $$pkg || exit 1; done

# dist: the .deb (nfpm) and the portable folder (.tar.xz) in dist/, with SHA256SUMS.
dist: build
	@sh engine/assets/dist/build.sh

# dist-check: install both into fresh minimal Debian 12 roots (debootstrap, cached in build/)
# and run the CLI and the GUI there as a normal user. Needs root.
dist-check: dist
	@sh engine/assets/dist/check.sh

# dist-windows: llama.cpp v0.5.0 built with mingw-w64 (once, cached in .runtime/windows), slmscope.exe
# cross-compiled, then the portable .zip and the NSIS installer in dist/, added to SHA256SUMS.
# Installs its Debian packages (mingw-w64, cmake, wine, nsis, ...) itself. Never run by `make test`.
dist-windows: setup
	@sh engine/assets/dist/windows-dist.sh

# dist-windows-check: both under Wine in a fresh prefix under Xvfb (probe, lessons check, bench,
# GUI screenshot in dist/windows-gui.png, silent install and uninstall leaving nothing, then the
# Vulkan build on lavapipe and the CPU fallback without vulkan-1.dll).
dist-windows-check: dist-windows
	@sh engine/assets/dist/windows-check.sh

# dist-windows-vulkan: llama.cpp's Vulkan backend for Windows from Debian 12's Vulkan packages,
# as .runtime/windows/llama/win-x64-vulkan (cached); part of dist-windows.
dist-windows-vulkan: setup
	@sh engine/assets/dist/windows-vulkan.sh

# dist-windows-vulkan-check: the zip's Vulkan build under Wine on lavapipe (probe lists Vulkan0;
# 2/31 layers), and the CPU build with the sentence why when vulkan-1.dll is switched off.
dist-windows-vulkan-check: dist-windows
	@sh engine/assets/dist/windows-vulkan-check.sh

# observer: a Live run in the window (Xvfb + xdotool) against a headless slmscope bench of the
# same model, quant, threads and tokens, alternating; prints the ratio (goal ≥ 0.95). Needs
# xvfb-run and xdotool; run it on a quiet machine.
.PHONY: observer stalls
observer: build
	@sh engine/assets/observer.sh

# stalls: every screen switch under Xvfb with the UI watchdog on (SIZE=1920x1080, PRESENTER=1).
stalls: build
	$(GO) test -run '^$$$$' -bench ScreenSwitches -benchtime 1x ./ui/
	@sh engine/assets/stalls.sh
