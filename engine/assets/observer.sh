#!/bin/sh
# observer.sh — does watching a run slow it down? A Live run started in the window (under
# Xvfb at 1024×640, pressed with xdotool's Ctrl+Enter) against a headless `slmscope bench` of
# the same model, quant, threads and token counts, back to back, ROUNDS times alternating.
# Prints each pair, the median ratio window/headless (the goal is ≥ 0.95), the app's own CPU
# during each Live run, and the load average around it.
# Run by `make observer`; needs xvfb-run (package xvfb) and xdotool. BIN, ROUNDS, THREADS and
# GEN (tokens to generate) change the defaults.
set -eu
BIN=${BIN:-bin/slmscope}
ROUNDS=${ROUNDS:-5}
THREADS=${THREADS:-2}
GEN=${GEN:-256}
MODEL=twin:smollm2-135m

# field NAME: the number NAME in the newest run (slmscope runs --json --last 1); the rounds
# alternate, so it is the run just made.
field() {
	"$BIN" runs --json --last 1 2>/dev/null | sed -n "s/^ *\"$1\": \([0-9.e+-]*\),\{0,1\}$/\1/p" | head -1
}
lives() { n=$(grep -c '"origin":"live"' "$SLMSCOPE_RUNS" 2>/dev/null || true); echo "${n:-0}"; }

# inside: runs under Xvfb (the script calls itself through xvfb-run).
inside() {
	"$BIN" >"$WORK/app.log" 2>&1 &
	app=$!
	trap 'kill $app 2>/dev/null || true' EXIT
	wid=""
	for _ in $(seq 1 150); do
		wid=$(xdotool search --name '^slmscope$' 2>/dev/null | head -1 || true)
		[ -n "$wid" ] && break
		sleep 0.2
	done
	[ -n "$wid" ] || { echo "observer: the window did not open; see $WORK/app.log" >&2; exit 1; }
	sleep 5 # the model list and the warm worker
	echo "round  window tok/s  headless tok/s  ratio  app CPU (cores)"
	ratios=""
	for i in $(seq 1 "$ROUNDS"); do
		before=$(lives)
		xdotool windowfocus --sync "$wid" 2>/dev/null || true
		xdotool key --clearmodifiers ctrl+Return
		for _ in $(seq 1 900); do
			[ "$(lives)" -gt "$before" ] && break
			sleep 0.2
		done
		[ "$(lives)" -gt "$before" ] || { echo "observer: no Live run was recorded; see $WORK/app.log" >&2; exit 1; }
		live=$(field gen_tps)
		cpu=$(field app_cpu_cores)
		prompt=$(field prompt_tokens)
		gen=$(field gen_tokens)
		"$BIN" bench --model "$MODEL" --quant q8_0 --threads "$THREADS" --prompt-tokens "$prompt" \
			--gen-tokens "$gen" --repeat 1 >/dev/null 2>&1
		head=$(field gen_tps)
		r=$(awk -v a="$live" -v b="$head" 'BEGIN { printf "%.3f", a / b }')
		ratios="$ratios $r"
		printf '%5d  %12.1f  %14.1f  %5s  %s\n' "$i" "$live" "$head" "$r" "${cpu:-unknown}"
	done
	echo "$ratios" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ a[NR] = $1 } END {
		m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		printf "median ratio window/headless: %.3f (goal >= 0.95) over %d rounds; %d prompt + %d generated tokens, %d threads\n", m, NR, '"${prompt:-0}"', '"${gen:-0}"', '"$THREADS"' }'
}

if [ "${OBSERVER_INSIDE:-}" = 1 ]; then
	inside
	exit 0
fi
for tool in xvfb-run xdotool; do
	command -v "$tool" >/dev/null || { echo "observer: $tool is missing (apt-get install xvfb xdotool)" >&2; exit 2; }
done
[ -x "$BIN" ] || { echo "observer: $BIN is missing: run make build first" >&2; exit 2; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
WORK=$(mktemp -d)
# The app and bench write this run history only; the app starts from fresh preferences here
# (Live run screen, the SmolLM2-135M twin at Q8_0, THREADS threads, GEN tokens).
SLMSCOPE_RUNS="$WORK/runs.jsonl"
XDG_CONFIG_HOME="$WORK/config"
prefs="$XDG_CONFIG_HOME/fyne/dev.slmscope.app"
mkdir -p "$prefs"
printf '{"ui.screen":"live-run","live.quant":"Q8_0","live.threads":%d,"live.max_tokens":%d}\n' "$THREADS" "$GEN" >"$prefs/preferences.json"
export BIN ROUNDS THREADS GEN WORK SLMSCOPE_RUNS XDG_CONFIG_HOME
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
OBSERVER_INSIDE=1 xvfb-run -a -s "-screen 0 1024x640x24" sh "$0"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo "run history of this check: $SLMSCOPE_RUNS"
