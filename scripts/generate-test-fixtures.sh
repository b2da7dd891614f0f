#!/usr/bin/env bash
# Regenerates the transcoder's test fixtures from Tests/TranscodingTests/Fixtures/*.proto:
#   - the Swift code protoc-gen-swift generates for them (the oracle in the transcoder tests),
#     into Tests/TranscodingTests/Generated/ (the codec benchmark reads the same files);
#   - the binary FileDescriptorSet Portico loads, Tests/TranscodingTests/Fixtures/everything.binpb.
#
# Needs protoc (with the well-known types' .proto files under $PROTO_INCLUDE, /usr/include by default).
# protoc-gen-swift is taken from $PROTOC_GEN_SWIFT if set, otherwise built (release) from the package's
# swift-protobuf dependency into the gitignored .build-plugins/.
set -euo pipefail
cd "$(dirname "$0")/.."

FIXTURES=Tests/TranscodingTests/Fixtures
GENERATED=Tests/TranscodingTests/Generated
PROTO_INCLUDE="${PROTO_INCLUDE:-/usr/include}"
PROTOS=(everything.proto proto2.proto)

plugin="${PROTOC_GEN_SWIFT:-}"
if [[ -z "$plugin" ]]; then
    swift package resolve
    checkout=".build/checkouts/swift-protobuf"
    [[ -d "$checkout" ]] || { echo "swift-protobuf checkout not found at $checkout" >&2; exit 1; }
    swift build -c release --product protoc-gen-swift --package-path "$checkout" --scratch-path .build-plugins
    plugin="$(swift build -c release --product protoc-gen-swift --package-path "$checkout" \
        --scratch-path .build-plugins --show-bin-path)/protoc-gen-swift"
fi
echo "using $("$plugin" --version 2>/dev/null || echo "$plugin")"

mkdir -p "$GENERATED"
rm -f "$GENERATED"/*.pb.swift
protoc -I "$FIXTURES" -I "$PROTO_INCLUDE" \
    --plugin=protoc-gen-swift="$plugin" \
    --swift_opt=Visibility=Internal \
    --swift_out="$GENERATED" \
    "${PROTOS[@]}"
protoc -I "$FIXTURES" -I "$PROTO_INCLUDE" \
    --include_imports --include_source_info \
    --descriptor_set_out="$FIXTURES/everything.binpb" \
    "${PROTOS[@]}"
echo "wrote $GENERATED/*.pb.swift and $FIXTURES/everything.binpb"
