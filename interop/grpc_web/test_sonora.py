"""Portico's gRPC-Web, checked with sonora, a real gRPC-Web client (binary protobuf flavour)."""

import base64

import grpc
import pytest
import sonora.client
from google.rpc import error_details_pb2, status_pb2


class StubChannel:
    """sonora 0.2.3 predates the `_registered_method` argument that grpcio-tools 1.85 stubs pass: drop it."""

    def __init__(self, channel):
        self._channel = channel

    def unary_unary(self, path, request_serializer=None, response_deserializer=None, **_):
        return self._channel.unary_unary(path, request_serializer, response_deserializer)

    def unary_stream(self, path, request_serializer=None, response_deserializer=None, **_):
        return self._channel.unary_stream(path, request_serializer, response_deserializer)

    def stream_unary(self, path, request_serializer=None, response_deserializer=None, **_):
        return self._channel.stream_unary(path, request_serializer, response_deserializer)

    def stream_stream(self, path, request_serializer=None, response_deserializer=None, **_):
        return self._channel.stream_stream(path, request_serializer, response_deserializer)


@pytest.fixture()
def echo(gateway, stubs):
    echo_pb2, echo_pb2_grpc = stubs
    with sonora.client.insecure_web_channel(gateway) as channel:
        yield echo_pb2, echo_pb2_grpc.EchoServiceStub(StubChannel(channel))


def test_unary(echo):
    echo_pb2, stub = echo
    response = stub.Echo(echo_pb2.EchoRequest(message="from sonora", labels={"k": "v"}))
    assert response.message == "from sonora"
    assert response.request.labels == {"k": "v"}


def test_server_streaming(echo):
    echo_pb2, stub = echo
    responses = list(stub.Expand(echo_pb2.ExpandRequest(message="s", count=5)))
    assert [r.index for r in responses] == [0, 1, 2, 3, 4]
    assert all(r.message == "s" for r in responses)


def test_error_with_details(echo):
    echo_pb2, stub = echo
    with pytest.raises(grpc.RpcError) as raised:
        stub.Fail(echo_pb2.FailRequest(code=3, message="bad title 100%", invalid_fields=["title"]))
    error = raised.value
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == "bad title 100%"


def test_error_details_reach_the_client(gateway, stubs):
    """The status details travel as grpc-status-details-bin (trailers-only: in the HTTP headers)."""
    echo_pb2, echo_pb2_grpc = stubs
    with sonora.client.insecure_web_channel(gateway) as channel:
        call = sonora.client.UnaryUnaryCall(
            echo_pb2.FailRequest(code=9, message="not yet", invalid_fields=["x"]),
            None,
            [("x-user-agent", "grpc-web-python"), ("content-type", "application/grpc-web+proto"), ("x-grpc-web", "1")],
            gateway + "/echo.v1.EchoService/Fail",
            channel._session,
            echo_pb2.FailRequest.SerializeToString,
            lambda data: data,
        )
        with pytest.raises(grpc.RpcError) as raised:
            call()
        assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        encoded = dict(call.initial_metadata())["grpc-status-details-bin"]
        status = status_pb2.Status.FromString(base64.b64decode(encoded + "=" * (-len(encoded) % 4)))
        assert status.code == 9
        bad_request = error_details_pb2.BadRequest()
        assert any(d.Unpack(bad_request) for d in status.details)
        assert bad_request.field_violations[0].field == "x"


def test_deadline(echo):
    echo_pb2, stub = echo
    sleep = echo_pb2.SleepRequest()
    sleep.duration.FromSeconds(5)
    with pytest.raises(grpc.RpcError) as raised:
        # The deadline goes to the gateway as grpc-timeout; it answers DEADLINE_EXCEEDED at 300 ms.
        stub.Sleep(sleep, metadata=[("grpc-timeout", "300m")])
    assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_deadline_seen_by_backend(echo):
    echo_pb2, stub = echo
    sleep = echo_pb2.SleepRequest()
    response = stub.Sleep(sleep, timeout=5)
    assert response.deadline_set
    assert 0 < response.deadline_remaining.ToTimedelta().total_seconds() <= 5


def test_metadata_both_ways(echo):
    echo_pb2, stub = echo
    response, call = stub.Headers.with_call(
        echo_pb2.HeadersRequest(), metadata=[("x-team", "sonora"), ("x-blob-bin", b"\x00\x01")]
    )
    assert response.metadata["x-team"] == "sonora"
    assert "x-blob-bin" in response.metadata
    headers = dict(call.initial_metadata())
    assert headers["x-demo-initial"] == "yes"
    assert dict(call.trailing_metadata())["x-demo-trailing"] == "yes"
