"""The gateway's metadata limit from the command line (`--max-metadata-bytes`), seen by sonora and by the shell."""

import os
import subprocess

import grpc
import pytest
import sonora.client

from conftest import MAX_METADATA_BYTES, REPO
from test_sonora import StubChannel


def test_metadata_over_the_limit_is_resource_exhausted(gateway, stubs):
    echo_pb2, echo_pb2_grpc = stubs
    with sonora.client.insecure_web_channel(gateway) as channel:
        stub = echo_pb2_grpc.EchoServiceStub(StubChannel(channel))
        small = [("x-big", "v" * (MAX_METADATA_BYTES // 2))]
        assert stub.Echo(echo_pb2.EchoRequest(message="fits"), metadata=small).message == "fits"
        large = [("x-big", "v" * MAX_METADATA_BYTES)]
        with pytest.raises(grpc.RpcError) as raised:
            stub.Echo(echo_pb2.EchoRequest(message="too big"), metadata=large)
        assert raised.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert f"more than the limit of {MAX_METADATA_BYTES}" in raised.value.details()
        # The gateway still serves.
        assert stub.Echo(echo_pb2.EchoRequest(message="after")).message == "after"


@pytest.mark.parametrize("flag", ["--max-metadata-bytes", "--max-request-bytes", "--max-response-bytes"])
def test_a_limit_that_is_not_positive_is_refused(flag):
    binary = os.environ.get("PORTICO_BIN", os.path.join(REPO, ".build", "debug", "portico"))
    result = subprocess.run([binary, flag, "0"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"{flag} must be positive, got 0" in result.stderr
