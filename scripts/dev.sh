#!/bin/sh
# Softfocus set-up and tasks, for a fresh Debian/Ubuntu machine with Python 3.10+.
#   scripts/dev.sh run [ARGS]      install the app in .venv and start it
#   scripts/dev.sh test            install everything the tests need and run lint + tests
#   scripts/dev.sh person-model [--permissive-only]
#                                  rebuild assets/models/person.onnx from nothing (long)
#   scripts/dev.sh bench           run the benchmarks
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=.venv

say() { printf 'softfocus-dev: %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else say "please run as root: $*"; exit 1
    fi
}

apt_install() {
    command -v apt-get >/dev/null 2>&1 || { say "install these system packages: $*"; exit 1; }
    say "installing system packages: $*"
    as_root apt-get update -qq >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

check_python() {
    command -v "$PYTHON" >/dev/null 2>&1 || apt_install python3 python3-venv
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {
        say "Python 3.10 or newer is needed (found $($PYTHON --version 2>&1))"; exit 1; }
    # Debian splits venv/ensurepip into python3-venv.
    "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
}

check_qt_libraries() {
    # The PySide6 wheels bundle Qt but not these system libraries (the xcb ones: a real window).
    missing=""
    for pair in libEGL.so.1:libegl1 libGL.so.1:libgl1 libxkbcommon.so.0:libxkbcommon0 \
                libfontconfig.so.1:libfontconfig1 libdbus-1.so.3:libdbus-1-3 \
                libglib-2.0.so.0:libglib2.0-0 libxcb-cursor.so.0:libxcb-cursor0 \
                libxkbcommon-x11.so.0:libxkbcommon-x11-0 libxcb-icccm.so.4:libxcb-icccm4 \
                libxcb-image.so.0:libxcb-image0 libxcb-keysyms.so.1:libxcb-keysyms1 \
                libxcb-randr.so.0:libxcb-randr0 libxcb-render-util.so.0:libxcb-render-util0 \
                libxcb-shape.so.0:libxcb-shape0 libxcb-xkb.so.1:libxcb-xkb1; do
        lib=${pair%%:*}; pkg=${pair#*:}
        ldconfig -p 2>/dev/null | grep -q "$lib" || missing="$missing $pkg"
    done
    [ -z "$missing" ] || apt_install $missing
}

install() {  # $1: pip extras, e.g. ".[dev,train]"
    check_python
    check_qt_libraries
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    stamp="$VENV/.installed-$(echo "$1" | tr -c 'a-z' '_')"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        say "installing $1 into $VENV (first run takes a few minutes)"
        "$VENV/bin/python" -m pip install -q --upgrade pip
        "$VENV/bin/python" -m pip install -q -e "$1"
        touch "$stamp"
    fi
}

task=${1:-run}
[ $# -gt 0 ] && shift
case "$task" in
    run)
        install "."
        exec "$VENV/bin/softfocus" "$@" ;;
    test)
        install ".[dev,train]"
        "$VENV/bin/ruff" check .
        "$VENV/bin/ruff" format --check .
        QT_QPA_PLATFORM=offscreen exec "$VENV/bin/python" -m pytest "$@" ;;
    person-model)
        install ".[dev,train]"
        exec "$VENV/bin/python" -m softfocus.training.people.build "$@" ;;
    bench)
        install ".[dev]"
        "$VENV/bin/python" benchmarks/pipeline.py "$@" ;;
    *)
        say "unknown task '$task' (run, test, person-model, bench)"; exit 2 ;;
esac
