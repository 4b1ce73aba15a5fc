#!/usr/bin/env bash
# The test command: starts a throwaway PostgreSQL server when one can be started, then pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PHYSIOQUEST_TEST_PG_DSN:-}" ] && [ -f scripts/pg-test-server.sh ]; then
  eval "$(bash scripts/pg-test-server.sh start)" || echo "run-tests: PostgreSQL test server not started" >&2
fi
.venv/bin/python -m pytest "$@"
rc=$?
[ -n "${PQ_PG_DIR:-}" ] && bash scripts/pg-test-server.sh stop >/dev/null 2>&1
exit $rc
