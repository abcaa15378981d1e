#!/usr/bin/env bash
# The project's two commands, on a fresh machine with only Python 3.11+:
#   ./dev.sh run    set up (venv, install, migrate, reference + demo data) and run the dev server
#   ./dev.sh test   set up, then lint, check migrations and run the whole test suite
#   (./dev.sh setup only creates the venv and installs the requirements)
# Extra arguments after `test` go to pytest; PORT picks the dev server's port (default 8000).
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv

setup() {
    if [ ! -x "$VENV/bin/python" ]; then
        echo "Creating the virtual environment in $VENV"
        "$PYTHON" -m venv "$VENV"
    fi
    if ! cmp -s requirements.txt "$VENV/.installed-requirements"; then
        echo "Installing requirements"
        "$VENV/bin/pip" install --quiet --upgrade pip
        "$VENV/bin/pip" install --quiet -r requirements.txt
        cp requirements.txt "$VENV/.installed-requirements"
    fi
}

manage() {
    "$VENV/bin/python" manage.py "$@"
}

run() {
    setup
    export DEBUG=${DEBUG:-1}
    manage migrate --no-input
    manage load_reference
    manage setup_roles
    manage load_demo
    local port=${PORT:-8000}
    echo
    echo "Open http://127.0.0.1:$port/ (dashboards; the admin is at /admin/, the API at /api/)"
    echo "and log in with the demo logins above (Ctrl-C stops)."
    manage runserver "127.0.0.1:$port"
}

test() {
    setup
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    "$VENV/bin/python" .ci/import_cycles.py
    "$VENV/bin/python" .ci/code_sizes.py
    DEBUG=1 "$VENV/bin/mypy"
    DEBUG=1 manage makemigrations --check --dry-run
    local where="SQLite, tasks in-process"
    [ -n "${DATABASE_URL:-}" ] && where="${DATABASE_URL%%:*}"
    [ -n "${CELERY_BROKER_URL:-}" ] && where="$where, broker ${CELERY_BROKER_URL%%:*}"
    echo "Running the test suite ($where)"
    "$VENV/bin/python" -m pytest "$@"
}

case "${1:-}" in
    setup) setup ;;
    run) shift; run "$@" ;;
    test) shift; test "$@" ;;
    *) echo "usage: ./dev.sh run | ./dev.sh test [pytest arguments] | ./dev.sh setup" >&2; exit 2 ;;
esac
