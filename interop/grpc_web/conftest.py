"""Fixtures for the gRPC-Web interop tests: the demo gateway (`portico`) and the echo.v1 Python stubs."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "interop"))

import python_backend  # noqa: E402  (compiles the protos with grpc_tools.protoc)


MAX_METADATA_BYTES = 4096


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def stubs():
    """(echo_pb2, echo_pb2_grpc), generated at run time from protos/."""
    return python_backend.compile_protos(tempfile.mkdtemp(prefix="portico-stubs-"))


@pytest.fixture(scope="session")
def gateway():
    """The base URL of `portico` (the demo: backend in-process) started for the session."""
    binary = os.environ.get("PORTICO_BIN", os.path.join(REPO, ".build", "debug", "portico"))
    if not os.path.exists(binary):
        pytest.fail(f"{binary} does not exist: build it with `swift build --product portico`")
    port = free_port()
    process = subprocess.Popen(
        # A metadata limit below the default, for test_limits.py.
        [binary, "--listen", f"127.0.0.1:{port}", "--max-metadata-bytes", str(MAX_METADATA_BYTES)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/v1/echo/ready", timeout=1).read()
            break
        except Exception:
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                output = process.stdout.read().decode(errors="replace")
                pytest.fail(f"portico did not start:\n{output}")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)
