#!/usr/bin/env bash
# Regenerates the code committed from protos/:
#   Sources/DemoService/Generated/*.pb.swift, *.grpc.swift   messages (Public) and grpc-swift-2 stubs
#   Sources/DemoService/Generated/DemoDescriptorSet.swift      the demo protos' FileDescriptorSet (base64)
#   Sources/Transcoding/Descriptors/BuiltinDescriptorSet.swift well-known types, google.api, google.rpc
#
# Safe to run again: it rewrites the same files with the same contents. On a fresh Debian machine (as root)
# it installs what it needs: protoc from apt, the googleapis protos from PyPI (googleapis-common-protos,
# into a temporary folder; they are never committed), and the Swift protoc plugins, built from
# swift-protobuf and grpc-swift-protobuf into .build-plugins/ unless $PROTOC_GEN_SWIFT and
# $PROTOC_GEN_GRPC_SWIFT name existing builds.
#
# To give the gateway the demo's descriptors as a file instead (e.g. for --descriptor-set):
#   pip install --target /tmp/gapi googleapis-common-protos==1.76.0
#   protoc -I protos -I /tmp/gapi --include_imports --include_source_info \
#       --descriptor_set_out=demo.binpb protos/echo/v1/echo.proto protos/library/v1/library.proto
set -euo pipefail

readonly SWIFT_PROTOBUF_VERSION="1.39.0"
readonly GRPC_SWIFT_PROTOBUF_VERSION="2.4.1"
readonly GOOGLEAPIS_COMMON_PROTOS_VERSION="1.76.0"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO
readonly PROTOS="$REPO/protos"
readonly GENERATED="$REPO/Sources/DemoService/Generated"
readonly BUILTIN_SWIFT="$REPO/Sources/Transcoding/Descriptors/BuiltinDescriptorSet.swift"

# The demo's own protos, relative to protos/.
readonly DEMO_PROTOS=(echo/v1/echo.proto library/v1/library.proto)
# The googleapis files the demo needs Swift types for (rich error details, HttpBody, google.rpc.Code).
readonly GOOGLE_SWIFT_PROTOS=(google/api/httpbody.proto google/rpc/status.proto
    google/rpc/error_details.proto google/rpc/code.proto)
# Every descriptor the gateway knows without being told.
readonly BUILTIN_PROTOS=(
    google/protobuf/any.proto google/protobuf/timestamp.proto google/protobuf/duration.proto
    google/protobuf/field_mask.proto google/protobuf/struct.proto google/protobuf/wrappers.proto
    google/protobuf/empty.proto
    google/api/annotations.proto google/api/http.proto google/api/httpbody.proto
    google/rpc/status.proto google/rpc/error_details.proto google/rpc/code.proto
)

WORK="$(mktemp -d)"
readonly WORK
trap 'rm -rf "$WORK"' EXIT

log() { printf '==> %s\n' "$*" >&2; }

apt_install() {
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Prints the folder holding google/protobuf/*.proto for this protoc.
find_well_known_include() {
    local protoc_dir candidate
    protoc_dir="$(dirname "$(readlink -f "$(command -v protoc)")")"
    for candidate in "$protoc_dir/../include" /usr/include /usr/local/include; do
        if [[ -f "$candidate/google/protobuf/any.proto" ]]; then
            (cd "$candidate" && pwd)
            return 0
        fi
    done
    return 1
}

ensure_protoc() {
    if ! command -v protoc >/dev/null 2>&1; then
        apt_install protobuf-compiler libprotobuf-dev
    fi
    if ! find_well_known_include >/dev/null; then
        apt_install libprotobuf-dev
    fi
}

# Installs googleapis-common-protos into $WORK/googleapis and prints that folder.
fetch_googleapis() {
    if ! python3 -m pip --version >/dev/null 2>&1; then
        apt_install python3-pip
    fi
    log "pip install googleapis-common-protos==$GOOGLEAPIS_COMMON_PROTOS_VERSION (temporary)"
    python3 -m pip install --quiet --disable-pip-version-check --no-deps --root-user-action=ignore \
        --target "$WORK/googleapis" "googleapis-common-protos==$GOOGLEAPIS_COMMON_PROTOS_VERSION" >&2
    echo "$WORK/googleapis"
}

# Sets PROTOC_GEN_SWIFT and PROTOC_GEN_GRPC_SWIFT, building the plugins when they are not given.
ensure_plugins() {
    if [[ -n "${PROTOC_GEN_SWIFT:-}" && -n "${PROTOC_GEN_GRPC_SWIFT:-}" ]]; then
        [[ -x "$PROTOC_GEN_SWIFT" ]] || { echo "PROTOC_GEN_SWIFT=$PROTOC_GEN_SWIFT is not executable" >&2; exit 1; }
        [[ -x "$PROTOC_GEN_GRPC_SWIFT" ]] || { echo "PROTOC_GEN_GRPC_SWIFT=$PROTOC_GEN_GRPC_SWIFT is not executable" >&2; exit 1; }
        return 0
    fi
    local package="$WORK/plugins" scratch="$REPO/.build-plugins"
    mkdir -p "$package"
    cat >"$package/Package.swift" <<EOF
// swift-tools-version:6.0
import PackageDescription
let package = Package(
    name: "protoc-plugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", exact: "$SWIFT_PROTOBUF_VERSION"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", exact: "$GRPC_SWIFT_PROTOBUF_VERSION"),
    ],
    targets: []
)
EOF
    log "building protoc-gen-swift $SWIFT_PROTOBUF_VERSION and protoc-gen-grpc-swift-2 $GRPC_SWIFT_PROTOBUF_VERSION into .build-plugins/"
    swift build -c release --package-path "$package" --scratch-path "$scratch" --product protoc-gen-swift >&2
    swift build -c release --package-path "$package" --scratch-path "$scratch" --product protoc-gen-grpc-swift-2 >&2
    PROTOC_GEN_SWIFT="$scratch/release/protoc-gen-swift"
    PROTOC_GEN_GRPC_SWIFT="$scratch/release/protoc-gen-grpc-swift-2"
}

# Writes a Swift file holding a binary file as one base64 string literal.
#   $1: output file, $2: binary input, $3: access level prefix ("public " or ""), $4: type name,
#   $5: doc comment, $6: "bytes" to add a decoding accessor
write_base64_swift() {
    local output="$1" input="$2" access="$3" type="$4" doc="$5" accessor="${6:-}"
    {
        echo "// Generated by scripts/generate-protos.sh. Do not edit."
        if [[ "$accessor" == "bytes" ]]; then
            echo
            echo "#if canImport(FoundationEssentials)"
            echo "import FoundationEssentials"
            echo "#else"
            echo "import Foundation"
            echo "#endif"
        fi
        echo
        echo "/// $doc"
        echo "${access}enum $type {"
        if [[ "$accessor" == "bytes" ]]; then
            echo "    /// The serialized \`google.protobuf.FileDescriptorSet\`, base64-encoded."
        fi
        echo "    ${access}static let base64: String ="
        printf '        "%s"\n' "$(base64 -w0 "$input")"
        if [[ "$accessor" == "bytes" ]]; then
            echo
            echo "    /// The serialized \`google.protobuf.FileDescriptorSet\`, decoded once."
            echo "    ${access}static let bytes: [UInt8] = {"
            echo "        guard let data = Data(base64Encoded: base64) else {"
            echo "            preconditionFailure(\"the generated base64 of $type is corrupt\")"
            echo "        }"
            echo "        return [UInt8](data)"
            echo "    }()"
        fi
        echo "}"
    } >"$output"
}

main() {
    ensure_protoc
    local wkt googleapis
    wkt="$(find_well_known_include)"
    googleapis="$(fetch_googleapis)"
    ensure_plugins
    log "protoc $(protoc --version), well-known types from $wkt"

    local includes=(-I "$PROTOS" -I "$googleapis" -I "$wkt")

    rm -rf "$GENERATED"
    mkdir -p "$GENERATED"

    log "Swift messages"
    protoc "${includes[@]}" \
        --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" \
        --swift_opt=Visibility=Public \
        --swift_opt=UseAccessLevelOnImports=true \
        --swift_opt=FileNaming=PathToUnderscores \
        --swift_out="$GENERATED" \
        "${DEMO_PROTOS[@]}" "${GOOGLE_SWIFT_PROTOS[@]}"

    log "grpc-swift-2 stubs"
    protoc "${includes[@]}" \
        --plugin=protoc-gen-grpc-swift-2="$PROTOC_GEN_GRPC_SWIFT" \
        --grpc-swift-2_opt=Visibility=Public \
        --grpc-swift-2_opt=Server=true \
        --grpc-swift-2_opt=Client=true \
        --grpc-swift-2_opt=UseAccessLevelOnImports=true \
        --grpc-swift-2_opt=FileNaming=PathToUnderscores \
        --grpc-swift-2_out="$GENERATED" \
        "${DEMO_PROTOS[@]}"

    log "descriptor sets"
    protoc "${includes[@]}" --include_imports --include_source_info \
        --descriptor_set_out="$WORK/demo.binpb" "${DEMO_PROTOS[@]}"
    protoc "${includes[@]}" --include_imports \
        --descriptor_set_out="$WORK/builtin.binpb" "${BUILTIN_PROTOS[@]}"

    write_base64_swift "$GENERATED/DemoDescriptorSet.swift" "$WORK/demo.binpb" "public " DemoDescriptorSet \
        "The demo protos (echo.v1, library.v1) and their imports, with source info (comments)." bytes
    write_base64_swift "$BUILTIN_SWIFT" "$WORK/builtin.binpb" "" BuiltinDescriptorSet \
        "The well-known types, google.api and google.rpc descriptors every pool starts from."

    log "wrote $(find "$GENERATED" -type f | wc -l) files to ${GENERATED#"$REPO"/} and ${BUILTIN_SWIFT#"$REPO"/}"
}

main "$@"
