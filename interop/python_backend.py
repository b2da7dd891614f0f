#!/usr/bin/env python3
"""A Python grpcio implementation of echo.v1.EchoService, to check the gateway against a non-Swift backend.

It compiles protos/echo/v1/echo.proto with grpc_tools.protoc into a temporary folder at start-up (the
google.api and google.rpc modules come from googleapis-common-protos), serves every EchoService method on
127.0.0.1, and prints PORT=<n> on stdout once it listens.

    python3 -m venv .venv-interop && .venv-interop/bin/pip install -r interop/requirements.txt
    .venv-interop/bin/python interop/python_backend.py --port 0

It behaves like the Swift EchoService (Sources/DemoService), with the differences grpcio brings:
EchoResponse.metadata lists only what grpcio passes to handlers (no HTTP/2 pseudo-headers, no
grpc-timeout or te), and a cancelled call is reported on stderr.
"""

import argparse
import asyncio
import base64
import importlib
import os
import sys
import tempfile
import time

import grpc
from grpc_tools import protoc

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROTOS = os.path.join(REPO, "protos")

MAX_REPEAT = 1000
MAX_DELAY = 60.0
MAX_EXPAND_COUNT = 10_000
MAX_EXPAND_INTERVAL = 10.0
MAX_EXPAND_PADDING = 1 << 20
MAX_SLEEP = 3600.0
MAX_REQUEST_SIZE = 16 << 20
UNKNOWN_DETAIL_TYPE = "demo.hidden.v1.Secret"
BINARY_METADATA_VALUE = bytes([0x00, 0x01, 0xFE, 0xFF])
SEED_FILES = {
    "hello.txt": (b"Hello from the Portico demo!\n", ""),
    "hello.json": (b'{"greeting": "Hello from the Portico demo!"}', ""),
    "hello.html": (b"<!doctype html><title>Portico</title><p>Hello from the Portico demo!</p>\n", ""),
}
CONTENT_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "htm": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
}


def compile_protos(out_dir):
    """Generates echo_pb2 and echo_pb2_grpc into out_dir and returns both modules."""
    # site-packages/google/api/annotations_pb2.py sits beside annotations.proto: the include root is site-packages.
    annotations = importlib.import_module("google.api.annotations_pb2").__file__
    googleapis = os.path.dirname(os.path.dirname(os.path.dirname(annotations)))
    well_known = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    args = [
        "grpc_tools.protoc",
        f"-I{PROTOS}",
        f"-I{googleapis}",
        f"-I{well_known}",
        f"--python_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        "echo/v1/echo.proto",
    ]
    if protoc.main(args) != 0:
        raise SystemExit("grpc_tools.protoc could not compile protos/echo/v1/echo.proto")
    sys.path.insert(0, out_dir)
    return importlib.import_module("echo.v1.echo_pb2"), importlib.import_module("echo.v1.echo_pb2_grpc")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="the port to listen on; 0 picks a free one")
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="echo-protos-") as out_dir:
        echo_pb2, echo_pb2_grpc = compile_protos(out_dir)
        asyncio.run(serve(options.host, options.port, echo_pb2, echo_pb2_grpc))


async def serve(host, port, echo_pb2, echo_pb2_grpc):
    from google.api import httpbody_pb2
    from google.protobuf import any_pb2, empty_pb2
    from google.rpc import code_pb2, error_details_pb2, status_pb2

    status_codes = {code.value[0]: code for code in grpc.StatusCode}

    def flattened(metadata):
        result = {}
        for key, value in metadata:
            text = base64.b64encode(value).decode() if isinstance(value, bytes) else value
            result[key] = result[key] + ", " + text if key in result else text
        return result

    async def abort(context, code, message, details=(), packed=()):
        status = status_pb2.Status(code=code.value[0], message=message)
        for detail in details:
            status.details.add().Pack(detail)
        status.details.extend(packed)
        await context.abort(code, message, trailing_metadata=(("grpc-status-details-bin", status.SerializeToString()),))

    async def invalid_argument(context, field, description):
        violation = error_details_pb2.BadRequest.FieldViolation(field=field, description=description)
        await abort(context, grpc.StatusCode.INVALID_ARGUMENT, description,
                    [error_details_pb2.BadRequest(field_violations=[violation])])

    async def seconds(context, duration, field, limit):
        if duration.seconds < 0 or duration.nanos < 0 or duration.nanos >= 1_000_000_000:
            await invalid_argument(context, field, f"{field} must be a non-negative duration")
        value = duration.seconds + duration.nanos / 1e9
        if value > limit:
            await invalid_argument(context, field, f"{field} must be at most {limit:g} seconds")
        return value

    def error_info(reason, metadata):
        return error_details_pb2.ErrorInfo(reason=reason, domain="echo.v1.EchoService", metadata=metadata)

    def cancelled(method):
        print(f"cancelled: {method}", file=sys.stderr, flush=True)

    class EchoService(echo_pb2_grpc.EchoServiceServicer):
        def __init__(self):
            self.files = dict(SEED_FILES)

        async def Echo(self, request, context):
            if not 0 <= request.repeat <= MAX_REPEAT:
                await invalid_argument(context, "repeat", f"repeat must be between 0 and {MAX_REPEAT}")
            if request.HasField("delay"):
                delay = await seconds(context, request.delay, "delay", MAX_DELAY)
                try:
                    await asyncio.sleep(delay)
                except asyncio.CancelledError:
                    cancelled("Echo")
                    raise
            response = echo_pb2.EchoResponse(
                message=" ".join([request.message] * max(1, request.repeat)),
                metadata=flattened(context.invocation_metadata()),
            )
            response.request.CopyFrom(request)
            return response

        async def Expand(self, request, context):
            if not 0 <= request.count <= MAX_EXPAND_COUNT:
                await invalid_argument(context, "count", f"count must be between 0 and {MAX_EXPAND_COUNT}")
            if not 0 <= request.pad_to <= MAX_EXPAND_PADDING:
                await invalid_argument(context, "pad_to", f"pad_to must be between 0 and {MAX_EXPAND_PADDING}")
            count = request.count
            message = request.message + "." * max(0, request.pad_to - len(request.message.encode()))
            interval = await seconds(context, request.interval, "interval", MAX_EXPAND_INTERVAL)
            fails = request.HasField("fail_after")
            if fails and request.fail_after < 0:
                await invalid_argument(context, "fail_after", "fail_after must not be negative")
            try:
                for index in range(min(request.fail_after, count) if fails else count):
                    if index > 0:
                        await asyncio.sleep(interval)
                    yield echo_pb2.EchoResponse(message=message, index=index)
            except asyncio.CancelledError:
                cancelled("Expand")
                raise
            if fails:
                code = status_codes.get(request.fail_code) if request.fail_code != code_pb2.OK else None
                message = request.fail_message or f"Expand failed after {request.fail_after} messages"
                await abort(context, code or grpc.StatusCode.ABORTED, message,
                            [error_info("EXPAND_FAIL_AFTER", {"fail_after": str(request.fail_after)})])

        async def Fail(self, request, context):
            if request.code == code_pb2.OK:
                return empty_pb2.Empty()
            code = status_codes.get(request.code)
            if code is None:
                await invalid_argument(context, "code", f"code {request.code} is not a gRPC status code")
            message = request.message or "Fail failed as requested"
            if request.omit_details:
                await context.abort(code, message)
            details = []
            if request.invalid_fields:
                details.append(error_details_pb2.BadRequest(field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(field=field, description=f"{field} is invalid")
                    for field in request.invalid_fields
                ]))
            details.append(error_info(request.reason or "DEMO_FAILURE", {"code": str(request.code)}))
            if request.HasField("retry_delay"):
                details.append(error_details_pb2.RetryInfo(retry_delay=request.retry_delay))
            packed = []
            if request.include_unknown_detail:
                secret = b"only the backend knows this type"
                packed.append(any_pb2.Any(type_url="type.googleapis.com/" + UNKNOWN_DETAIL_TYPE,
                                          value=bytes([0x0A, len(secret)]) + secret))
            await abort(context, code, message, details, packed)

        async def Sleep(self, request, context):
            duration = await seconds(context, request.duration, "duration", MAX_SLEEP)
            remaining = context.time_remaining()
            start = time.monotonic()
            try:
                await asyncio.sleep(duration)
            except asyncio.CancelledError:
                cancelled("Sleep")
                raise
            response = echo_pb2.SleepResponse(deadline_set=remaining is not None)
            if remaining is not None:
                response.deadline_remaining.FromNanoseconds(max(0, int(remaining * 1e9)))
            response.slept.FromNanoseconds(int((time.monotonic() - start) * 1e9))
            return response

        async def Collect(self, request_iterator, context):
            messages = [request.message async for request in request_iterator]
            return echo_pb2.CollectResponse(messages=messages, count=len(messages))

        async def Chat(self, request_iterator, context):
            index = 0
            async for request in request_iterator:
                response = echo_pb2.EchoResponse(message=request.message, index=index)
                response.request.CopyFrom(request)
                if index == 0:
                    response.metadata.update(flattened(context.invocation_metadata()))
                index += 1
                yield response

        async def Download(self, request, context):
            data, content_type = self.files.get(request.name, (None, ""))
            if data is None and request.name.startswith("bytes-") and request.name.endswith(".bin"):
                digits = request.name[len("bytes-"):-len(".bin")]
                if digits.isdigit() and len(digits) <= 9 and int(digits) <= 16 << 20:
                    data = bytes(i % 256 for i in range(int(digits)))
            if data is None:
                await abort(context, grpc.StatusCode.NOT_FOUND, f'no file is named "{request.name}"',
                            [error_info("FILE_NOT_FOUND", {"name": request.name})])
            extension = request.name.rsplit(".", 1)[-1].lower() if "." in request.name else ""
            return httpbody_pb2.HttpBody(
                content_type=content_type or CONTENT_TYPES.get(extension, "application/octet-stream"), data=data)

        async def Upload(self, request, context):
            if not request.name or len(request.name.encode()) > 255 or "/" in request.name:
                await invalid_argument(context, "name", 'name must be 1 to 255 bytes without "/"')
            self.files[request.name] = (request.file.data, request.file.content_type)
            return echo_pb2.UploadResponse(name=request.name, size=len(request.file.data),
                                           content_type=request.file.content_type)

        async def Headers(self, request, context):
            await context.send_initial_metadata((
                ("x-demo-initial", "yes"), ("x-demo-initial-bin", BINARY_METADATA_VALUE)))
            context.set_trailing_metadata((
                ("x-demo-trailing", "yes"), ("x-demo-trailing-bin", BINARY_METADATA_VALUE)))
            return echo_pb2.HeadersResponse(metadata=flattened(context.invocation_metadata()))

    server = grpc.aio.server(options=[
        ("grpc.max_receive_message_length", MAX_REQUEST_SIZE),
        ("grpc.max_send_message_length", MAX_REQUEST_SIZE),
    ])
    echo_pb2_grpc.add_EchoServiceServicer_to_server(EchoService(), server)
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise SystemExit(f"could not listen on {host}:{port}")
    await server.start()
    print(f"PORT={bound}", flush=True)
    await server.wait_for_termination()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
