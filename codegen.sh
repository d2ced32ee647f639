#!/usr/bin/env bash
# Regenerate the low-level client generated/replicate_api/ from openapi.json.
#
#   ./codegen.sh                regenerate generated/ (replaces it entirely)
#   ./codegen.sh --check        regenerate into a temp dir; fail if generated/ differs
#   ./codegen.sh --fetch [URL]  download a new spec (default: the published one), replace
#                               openapi.json, regenerate, print the API change report
#   ./codegen.sh --setup        only create/refresh the codegen venv
#
# Tools come from codegen/requirements.txt (fully pinned) in a codegen-only venv
# ($CODEGEN_VENV, default .codegen-venv). Operations the generator cannot express are reported on
# stderr on every run. Environment: PYTHON (interpreter for the venv, default python3).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")" && pwd)"
CODEGEN="$ROOT/codegen"
VENV="${CODEGEN_VENV:-$ROOT/.codegen-venv}"
PYTHON="${PYTHON:-python3}"
PACKAGE=replicate_api
DEFAULT_URL=https://api.replicate.com/openapi.json

FAIL_NOTE=""  # appended to fatal errors, e.g. to say what was left untouched
say() { echo "codegen: $*" >&2; }
die() { say "ERROR: $*$FAIL_NOTE"; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/codegen.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

ensure_venv() {
    local stamp="$VENV/.codegen-requirements"
    if [[ -x "$VENV/bin/openapi-python-client" && -f "$stamp" ]] \
        && cmp -s "$stamp" "$CODEGEN/requirements.txt"; then
        return
    fi
    # Only a venv of ours (or nothing) is replaced: CODEGEN_VENV may name any directory.
    if [[ -e "$VENV" && ! -f "$VENV/pyvenv.cfg" ]] && [[ -n "$(ls -A "$VENV" 2>/dev/null)" ]]; then
        die "$VENV exists and is not a virtual environment: set CODEGEN_VENV to a new directory"
    fi
    say "installing pinned codegen tools into $VENV"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$CODEGEN/requirements.txt" \
        || die "could not install codegen/requirements.txt into $VENV"
    cp "$CODEGEN/requirements.txt" "$stamp"
}

# generate SPEC DEST: build the package and API_SUMMARY.txt from SPEC into the empty dir DEST.
generate() {
    local spec="$1" dest="$2" prepared="$WORK/prepared.json" log="$WORK/generator.log"
    "$VENV/bin/python" "$CODEGEN/prepare_spec.py" "$spec" "$CODEGEN/overlay.yaml" "$prepared" \
        || die "could not prepare $spec for the generator"
    rm -rf "$dest"
    mkdir -p "$dest"
    if ! (cd "$WORK" && "$VENV/bin/openapi-python-client" generate \
            --path "$prepared" --config "$CODEGEN/config.yml" --meta none \
            --custom-template-path "$CODEGEN/templates" \
            --output-path "$dest/$PACKAGE" --overwrite) >"$log" 2>&1; then
        cat "$log" >&2
        die "openapi-python-client failed"
    fi
    # The generator lists what it skipped or guessed under "Warning(s) encountered"; never hide it.
    if grep -q "Warning" "$log"; then
        sed -n '/Warning/,$p' "$log" | sed 's/^/codegen: generator: /' >&2
    fi
    # Formatting is part of the output, so it is pinned too: no user or project config.
    (cd "$dest" && "$VENV/bin/ruff" check --isolated --no-cache --quiet --fix-only \
        --select I,F401 --line-length 120 --target-version py311 . \
        && "$VENV/bin/ruff" format --isolated --no-cache --quiet --line-length 120 --target-version py311 .) \
        || die "ruff failed on the generated code"
    : >"$dest/$PACKAGE/py.typed"
    "$VENV/bin/python" "$CODEGEN/summary.py" "$prepared" "$dest/$PACKAGE" "$dest/API_SUMMARY.txt" \
        || die "could not write API_SUMMARY.txt"
}

# install DIR: make DIR the new generated/ (old output removed first, nothing merged).
install() {
    rm -rf "$ROOT/generated"
    mv "$1" "$ROOT/generated"
}

check() {
    generate "$ROOT/openapi.json" "$WORK/out"
    if diff -r -q -x __pycache__ -x '*.pyc' "$ROOT/generated" "$WORK/out" >"$WORK/diff.txt"; then
        say "generated/ is up to date with openapi.json"
        return 0
    fi
    say "generated/ differs from a fresh regeneration (run ./codegen.sh):"
    sed 's/^/  /' "$WORK/diff.txt" >&2
    diff -r -u -x __pycache__ -x '*.pyc' "$ROOT/generated" "$WORK/out" | head -n 80 >&2 || true
    exit 1
}

fetch() {
    local url="${1:-$DEFAULT_URL}"
    FAIL_NOTE="; openapi.json and generated/ left unchanged"
    "$VENV/bin/python" "$CODEGEN/fetch_spec.py" "$url" "$WORK/new.json" || die "could not fetch $url"
    cp "$ROOT/openapi.json" "$WORK/old.json"
    generate "$WORK/new.json" "$WORK/out"
    cp "$WORK/new.json" "$ROOT/openapi.json"
    FAIL_NOTE=""
    install "$WORK/out"
    say "openapi.json replaced from $url; generated/ regenerated"
    "$VENV/bin/python" "$CODEGEN/spec_diff.py" "$WORK/old.json" "$ROOT/openapi.json"
}

main() {
    local started=$SECONDS
    case "${1:-}" in
        "")
            ensure_venv
            generate "$ROOT/openapi.json" "$WORK/out"
            install "$WORK/out"
            say "generated/$PACKAGE regenerated from openapi.json in $((SECONDS - started))s"
            ;;
        --check) ensure_venv; check ;;
        --fetch) ensure_venv; fetch "${2:-}" ;;
        --setup) ensure_venv ;;
        -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' ;;
        *) die "unknown argument '$1' (see ./codegen.sh --help)" ;;
    esac
}

main "$@"
