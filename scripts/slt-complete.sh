#!/usr/bin/env bash
# Completion mode of the .slt corpus: rewrites every query record's expected block (and, where
# a record has no column types yet, its type letters) with PostgreSQL 15's answer.
#   scripts/slt-complete.sh           → complete the expected blocks
#   scripts/slt-complete.sh --known   → then also rewrite slt/KNOWN_DIFFERENCES.md with the
#                                       records where PoolSQL still differs (review the diff!)
# Uses POOLSQL_TEST_POSTGRES when set; otherwise starts a throw-away server (scripts/postgres.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
work=""
cleanup() { if [ -n "$work" ]; then bash scripts/postgres.sh stop "$work" || true; rm -rf "$work"; fi; }
trap cleanup EXIT
if [ -z "${POOLSQL_TEST_POSTGRES:-}" ]; then
    work=$(mktemp -d /tmp/poolsql-slt-complete.XXXXXX)
    POOLSQL_TEST_POSTGRES=$(bash scripts/postgres.sh start "$work")
fi
export POOLSQL_TEST_POSTGRES
swift build --build-tests
POOLSQL_SLT_COMPLETE=1 swift test --skip-build --filter 'DifferentialTests/corpusAgreesWithPostgreSQL' || true
if [ "${1:-}" = "--known" ]; then
    POOLSQL_SLT_WRITE_KNOWN=1 swift test --skip-build --filter 'DifferentialTests/corpusAgreesWithPostgreSQL' || true
fi
swift test --skip-build --filter 'DifferentialTests|SLTTests'
