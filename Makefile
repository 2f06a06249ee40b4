# slmscope: `make run` opens the app, `make test` runs every check. Both run `make setup` first.
GO ?= go
BIN := bin/slmscope
# Packages that must build without cgo and vet for other operating systems (everything but ui).
PURE := ./engine/... ./hwprobe/... ./charts/... ./lessons/...

.PHONY: setup build debug run test vet fmt-check bench accuracy dist dist-check

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

test: setup fmt-check vet build
	$(GO) test -count=1 -timeout 30m ./... a.slmscope/clocale
	$(GO) test -race -count=1 -timeout 20m ./lessons/... ./engine/gguf/... ./engine/twin/... ./engine/estimate/... ./charts/...

# bench: the speed goals (wall clock vs llama.cpp's counter, worker start, twin writing,
# GGUF parsing, memory bandwidth), then slmscope bench on the SmolLM2-135M twin.
bench: build
	$(GO) test -run '^$$' -bench 'GenerateSmolLM2|WorkerStart' -benchtime 3x ./engine/
	$(GO) test -run '^$$' -bench . -benchtime 3x ./engine/twin/ ./engine/gguf/ ./hwprobe/
	./$(BIN) bench --model twin:smollm2-135m --quant q8_0 --prompt-tokens 512 --gen-tokens 128 --threads 2 --repeat 3

# accuracy: the projection goals, on a 90 s calibration ladder (run it on an idle machine).
accuracy: build
	$(GO) test -run '^$$' -bench ProjectionAccuracy -benchtime 1x -timeout 30m ./engine/

# dist: the .deb (nfpm) and the portable folder (.tar.xz) in dist/, with SHA256SUMS.
dist: build
	@sh engine/assets/dist/build.sh

# dist-check: install both into fresh minimal Debian 12 roots (debootstrap, cached in build/)
# and run the CLI and the GUI there as a normal user. Needs root.
dist-check: dist
	@sh engine/assets/dist/check.sh
