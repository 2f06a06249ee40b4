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
	echo "round  window tok/s  headless tok/s  ratio  app CPU (cores)  load average"
	pairs=""
	for i in $(seq 1 "$ROUNDS"); do
		before=$(lives)
		sleep 1
		# Ctrl+Enter again every 15 s until the run is recorded: a key press can be lost, and
		# one during a run is ignored.
		for n in $(seq 0 900); do
			if [ $((n % 75)) -eq 0 ]; then
				xdotool windowfocus --sync "$wid" 2>/dev/null || true
				xdotool key --clearmodifiers ctrl+Return
			fi
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
		pairs="$pairs
$live $head"
		printf '%5d  %12.1f  %14.1f  %5s  %15.3f  %s\n' "$i" "$live" "$head" "$r" "${cpu:-0}" "$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)"
	done
	# Other programs on a shared machine slow either side at random: besides the median of the
	# pairwise ratios, the ratio of the medians and of the best runs (the least disturbed, as
	# hyperfine's minimum) are printed.
	echo "$pairs" | awk -v prompt="${prompt:-0}" -v gen="${gen:-0}" -v threads="$THREADS" '
		function median(a, n,   i, j, t) {
			for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		NF == 2 { n++; w[n] = $1; h[n] = $2; r[n] = $1 / $2; if ($1 > bw) bw = $1; if ($2 > bh) bh = $2 }
		END {
			printf "median of the pairwise ratios window/headless: %.3f (goal >= 0.95) over %d rounds\n", median(r, n), n
			printf "ratio of the medians: %.3f (%.1f / %.1f tok/s); ratio of the best runs: %.3f (%.1f / %.1f tok/s)\n", median(w, n) / median(h, n), median(w, n), median(h, n), bw / bh, bw, bh
			printf "%d prompt + %d generated tokens, %d threads\n", prompt, gen, threads
		}'
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
