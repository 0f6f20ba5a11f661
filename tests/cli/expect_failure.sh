#!/bin/sh
# Usage: expect_failure.sh REGEX COMMAND [ARGS...]
# Passes when COMMAND exits non-zero and its stderr matches REGEX (a clear message, no crash).
regex=$1
shift
stderr=$("$@" 2>&1 >/dev/null)
status=$?
if [ "$status" -eq 0 ]; then
    echo "expected a failure, but '$*' succeeded"
    exit 1
fi
if [ "$status" -gt 128 ]; then
    echo "'$*' crashed with signal $((status - 128)): $stderr"
    exit 1
fi
if ! printf '%s\n' "$stderr" | grep -Eq -- "$regex"; then
    echo "stderr of '$*' does not match '$regex':"
    printf '%s\n' "$stderr"
    exit 1
fi
echo "failed as expected (exit $status): $stderr"
