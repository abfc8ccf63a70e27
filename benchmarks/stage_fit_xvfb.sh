#!/usr/bin/env bash
# Presenter mode in a real X window (Xvfb, no window manager), driven with xdotool keys as a
# clicker would: for each screen size, start the app, F5, step through the whole essay tour,
# zoom the type twice, and print the window's geometry after each; then Esc and print it again.
# Prints one line per check and "FAIL" where the window is larger than the screen or Esc did
# not give the geometry back. Usage: benchmarks/stage_fit_xvfb.sh [WxH ...]
set -u
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
SIZES=${*:-1024x768 1280x720 1920x1080}
fail=0
for size in $SIZES; do
  W=${size%x*}; H=${size#*x}
  out=$(xvfb-run -a -s "-screen 0 ${size}x24" bash -c '
    W='"$W"'; H='"$H"'; PY='"$PY"'
    "$PY" -m explorer --safe-mode --size 900x600 >/tmp/stage_fit_app.log 2>&1 &
    app=$!
    win=""
    for _ in $(seq 60); do win=$(xdotool search --onlyvisible --name "Inference Scaling Explorer" 2>/dev/null | head -1); [ -n "$win" ] && break; sleep 0.5; done
    [ -z "$win" ] && { echo "no window"; kill $app; exit 1; }
    sleep 2
    geo() { xdotool getwindowgeometry "$win" | awk "/Geometry/ {print \$2}"; }
    echo "start $(geo)"
    xdotool windowfocus --sync "$win" 2>/dev/null
    xdotool key F5; sleep 2
    echo "f5 $(geo)"
    for i in $(seq 17); do xdotool key Next; sleep 0.7; echo "step$i $(geo)"
      [ "$i" = 3 ] && "$PY" -c "import sys; from PySide6.QtGui import QGuiApplication as A; a=A(sys.argv); A.primaryScreen().grabWindow(0).save(sys.argv[1])" "${SHOTS:-/tmp}/stage_fit_${W}x${H}_step4.png" 2>/dev/null; done
    xdotool key ctrl+plus ctrl+plus; sleep 1; echo "zoom $(geo)"
    xdotool key Home; sleep 1; echo "home $(geo)"
    xdotool key Escape; sleep 1.5; echo "esc $(geo)"
    kill $app; wait $app 2>/dev/null
  ')
  start=$(echo "$out" | awk '/^start/ {print $2}')
  while read -r what g; do
    [ -z "$what" ] && continue
    gw=${g%x*}; gh=${g#*x}; verdict=ok
    if [ "$what" = esc ]; then [ "$g" = "$start" ] || verdict=FAIL
    elif [ "${gw:-99999}" -gt "$W" ] || [ "${gh:-99999}" -gt "$H" ]; then verdict=FAIL; fi
    [ "$verdict" = FAIL ] && fail=1
    echo "$size $what $g $verdict"
  done <<< "$out"
done
exit $fail
