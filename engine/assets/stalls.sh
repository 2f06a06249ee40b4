#!/bin/sh
# stalls.sh — does the window ever freeze? Starts the release build under Xvfb with the UI
# goroutine watchdog on (SLMSCOPE_WATCHDOG, ui/watchdog_log.go), walks every screen twice with
# Ctrl+1…7 (xdotool), and prints each wait of the UI goroutine over LIMIT with the screen on
# show, then the longest. PRESENTER=1 first turns presenter mode on (F11). SIZE is the
# screen (default 1024x640; try 1920x1080). The watchdog logs the UI goroutine's stack for
# every stall in $WORK/app.log. Run by `make stalls`; needs Xvfb and xdotool.
set -eu
BIN=${BIN:-bin/slmscope}
SIZE=${SIZE:-1024x640}
LIMIT=${LIMIT:-50ms}
PRESENTER=${PRESENTER:-0}
WORK=$(mktemp -d)
export SLMSCOPE_RUNS="$WORK/runs.jsonl" XDG_CONFIG_HOME="$WORK/config"

Xvfb :93 -screen 0 "${SIZE}x24" >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
sleep 1
export DISPLAY=:93
SLMSCOPE_WATCHDOG=$LIMIT "$BIN" >"$WORK/app.log" 2>&1 &
app=$!
trap 'kill $app $xvfb 2>/dev/null || true' EXIT
wid=""
for _ in $(seq 1 150); do
	wid=$(xdotool search --onlyvisible --name '^slmscope$' 2>/dev/null | head -1 || true)
	[ -n "$wid" ] && break
	sleep 0.2
done
[ -n "$wid" ] || { echo "stalls: the window did not open; see $WORK/app.log" >&2; exit 1; }
# No window manager maximises the window under Xvfb: fill the screen, as a user would.
xdotool windowsize "$wid" "${SIZE%x*}" "${SIZE#*x}" || true
sleep 5
# Waits logged so far belong to start-up (the first frames, GL set-up), before any input.
startup=$(grep -c 'was blocked' "$WORK/app.log" || true)
if [ "$PRESENTER" = 1 ]; then
	xdotool key --window "$wid" F11
	sleep 2
fi
for k in 2 3 4 5 6 7 1 2 3 4 5 6 7 1; do
	xdotool key --window "$wid" "ctrl+$k"
	sleep 2.5
done
kill $app
sleep 0.5
echo "stalls: $SIZE, presenter $PRESENTER, waits of the UI goroutine over $LIMIT ($(cut -d' ' -f1-3 /proc/loadavg) load):"
if grep -q 'was blocked' "$WORK/app.log"; then
	grep 'was blocked' "$WORK/app.log" | sed 's/.*blocked for \([0-9.]*\) ms.*(screen \(.*\) on show)/  \1 ms on \2/' |
		awk -v n="$startup" 'NR <= n { print $0 " (start-up, before any input)"; next } { print }'
else
	echo "  none"
fi
longest=$(grep 'was blocked' "$WORK/app.log" | tail -n +"$((startup + 1))" | sed 's/.*blocked for \([0-9.]*\) ms.*/\1/' | sort -n | tail -1)
if [ -n "$longest" ]; then
	echo "longest after start-up: $longest ms (goal: under 100 ms); stacks in $WORK/app.log"
else
	echo "longest after start-up: under $LIMIT (goal: under 100 ms)"
fi
