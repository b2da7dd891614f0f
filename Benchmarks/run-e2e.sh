#!/usr/bin/env bash
# End-to-end comparison: Portico, Envoy (grpc_json_transcoder + grpc_web) and grpc-gateway in front of the same
# fast Go echo backend, loaded by the same wrk runs, interleaved. Prints CPU microseconds per request of each
# gateway process (the figure that holds on a noisy machine), req/s, p50/p99 latency and peak RSS.
#
# Needs the reference kit beside the project (../shared/reference: Envoy from PyPI, the grpc-gateway peer and
# the Go backend, built from Debian packages). Usage: Benchmarks/run-e2e.sh [--rounds N] [--duration S]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
KIT="${REFERENCE_KIT:-$ROOT/../shared/reference}"
export REFERENCE_HOME="${REFERENCE_HOME:-$ROOT/.reference}"
ROUNDS=2
DURATION=8
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        -h | --help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -x "$KIT/setup.sh" ] || { echo "the reference kit is not at $KIT (set REFERENCE_KIT)" >&2; exit 1; }

"$KIT/setup.sh" > /dev/null
"$KIT/peers/grpc-gateway/build.sh" > /dev/null
BIN="$REFERENCE_HOME/grpc-gateway/bin"
"$KIT/make_descriptor.sh" -I "$KIT/peers/grpc-gateway" -o "$REFERENCE_HOME/echo.pb" "$KIT/peers/grpc-gateway/echo.proto" > /dev/null
swift build -c release --product portico > /dev/null

pids=()
cleanup() {
    kill "${pids[@]}" 2> /dev/null || true
    "$KIT/stop.sh" envoy 18080 > /dev/null 2>&1 || true
}
trap cleanup EXIT

"$BIN/backend" -listen 127.0.0.1:19090 & pids+=($!); backend=$!
"$BIN/gateway" -listen 127.0.0.1:18081 -backend 127.0.0.1:19090 & pids+=($!); grpcgw=$!
.build/release/portico serve --descriptor-set "$REFERENCE_HOME/echo.pb" --backend 127.0.0.1:19090 \
    --listen 127.0.0.1:18082 --log-level warning & pids+=($!); portico=$!
envoy=$("$KIT/run_envoy.sh" --descriptor "$REFERENCE_HOME/echo.pb" --services bench.v1.Echo --listen 18080 \
    --backends 19090 --concurrency 1 --strict)
for port in 18081 18082; do
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/v1/echo/ready" > /dev/null && break; sleep 0.1; done
done

body="$(mktemp)"
python3 -c 'import json; print(json.dumps({"message": "x" * 990}))' > "$body"
targets=(--url envoy=http://127.0.0.1:18080 --url grpcgw=http://127.0.0.1:18081 --url portico=http://127.0.0.1:18082)
processes=(--pid "envoy=$envoy" --pid "grpcgw=$grpcgw" --pid "portico=$portico" --pid "backend=$backend")
echo "== REST GET /v1/echo/hello"
"$KIT/cpu_per_request.sh" "${targets[@]}" --method GET --path /v1/echo/hello "${processes[@]}" \
    --rounds "$ROUNDS" --duration "$DURATION" | sed -n '/== summary/,$p'
echo "== REST POST /v1/echo, 1 KiB JSON"
"$KIT/cpu_per_request.sh" "${targets[@]}" --method POST --path /v1/echo --body "$body" \
    --content-type application/json "${processes[@]}" --rounds "$ROUNDS" --duration "$DURATION" | sed -n '/== summary/,$p'
rm -f "$body"
