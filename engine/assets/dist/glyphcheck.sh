#!/bin/sh
# glyphcheck.sh EXE OUT.png — the symbols are drawn: opens `EXE glyphs` under Xvfb, captures its
# window into OUT.png, and compares each symbol's cell with cell 0, the missing-glyph box
# (ui/glyphs.go). A cell equal to cell 0, or empty, fails. Needs xvfb-run, xdotool and
# ImageMagick; dist-check runs it in a clean root with its system fonts hidden.
set -eu
exe=$1 out=$2
CELL=64 COLS=8 N=16
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
FYNE_SCALE=1 timeout 120 xvfb-run -a -s '-screen 0 800x600x24' sh -c '
    "$1" glyphs >"$2/log" 2>&1 & pid=$!
    wid=$(timeout 60 xdotool search --sync --onlyvisible --name "^slmscope glyphs$" | head -n 1) || { kill $pid; exit 3; }
    sleep 2; import -window "$wid" "$2/sheet.png"; kill $pid; wait $pid 2>/dev/null; exit 0' sh "$exe" "$work" ||
    { echo "glyphcheck: the glyph sheet did not open: $(tail -n 3 "$work/log" 2>/dev/null)" >&2; exit 1; }
cp "$work/sheet.png" "$out"
cell() { convert "$work/sheet.png" -crop "${CELL}x${CELL}+$(($1 % COLS * CELL))+$(($1 / COLS * CELL))" +repage "$work/c$1.png"; }
cell 0
bad=""
i=1
while [ $i -lt $N ]; do
    cell $i
    # Pixels that differ from the missing-glyph box, and pixels with ink at all.
    diff=$(compare -metric AE "$work/c0.png" "$work/c$i.png" null: 2>&1 || true)
    ink=$(convert "$work/c$i.png" -colorspace Gray -threshold 50% -format '%[fx:round(mean*w*h)]' info:)
    if [ "${diff%% *}" = 0 ] || [ "$ink" = 0 ]; then bad="$bad $i"; fi
    i=$((i + 1))
done
glyphs=$(sed -n 's/.*no font has it), then //p' "$work/log")
if [ -n "$bad" ]; then
    echo "glyphcheck: cells$bad of \"$glyphs\" are drawn as the missing-glyph box or not at all ($out)" >&2
    grep -i 'fonts are missing' "$work/log" >&2 || true
    exit 1
fi
echo "glyphcheck: all $((N - 1)) symbols drawn ($glyphs); sheet in $out"
