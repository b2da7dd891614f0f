#!/usr/bin/env bash
# End-to-end benchmark suite: Portico, Envoy (grpc_json_transcoder + grpc_web) and grpc-gateway in front of the
# same backends under the same load, interleaved. Prints, per case and gateway, CPU microseconds per request,
# req/s, p50/p99 latency and peak RSS, with the Portico/Envoy ratios; then the back-pressure run.
#
# Needs the reference kit beside the project (../shared/reference: Envoy from PyPI, the grpc-gateway peer and the
# Go echo backend, built from Debian packages); it sets them up and builds Portico in release first.
# Usage: Benchmarks/run-e2e.sh [--rounds N] [--duration S] [--cases a,b,...] [--backpressure-mib N]
# (Benchmarks/e2e.py --help lists the cases; "backpressure" is not in the default list: add it to --cases.)
set -euo pipefail
cd "$(dirname "$0")/.."
KIT="${REFERENCE_KIT:-$PWD/../shared/reference}"
export REFERENCE_KIT="$KIT"
export REFERENCE_HOME="${REFERENCE_HOME:-$PWD/.reference}"
[ -x "$KIT/setup.sh" ] || { echo "the reference kit is not at $KIT (set REFERENCE_KIT)" >&2; exit 1; }

"$KIT/setup.sh" > /dev/null
"$KIT/peers/grpc-gateway/build.sh" > /dev/null
swift build -c release --product portico > /dev/null
exec python3 Benchmarks/e2e.py "$@"
