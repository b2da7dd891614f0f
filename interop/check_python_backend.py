#!/usr/bin/env python3
"""Starts python_backend.py and checks every EchoService method over real gRPC; prints 'N passed, N failed'.

    interop/.venv/bin/python interop/check_python_backend.py
"""

import os
import subprocess
import sys
import tempfile
import time

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import python_backend  # noqa: E402


def main():
    backend = subprocess.Popen(
        [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "python_backend.py"), "--port", "0"],
        stdout=subprocess.PIPE, text=True)
    try:
        line = backend.stdout.readline().strip()
        if not line.startswith("PORT="):
            raise SystemExit(f"the backend printed {line!r} instead of PORT=<n>")
        with tempfile.TemporaryDirectory() as out_dir:
            echo_pb2, echo_pb2_grpc = python_backend.compile_protos(out_dir)
            with grpc.insecure_channel(f"127.0.0.1:{line[len('PORT='):]}") as channel:
                failures = run_checks(echo_pb2_grpc.EchoServiceStub(channel), echo_pb2)
    finally:
        backend.terminate()
        backend.wait(timeout=10)
    sys.exit(1 if failures else 0)


def run_checks(stub, echo_pb2):
    from google.api import httpbody_pb2
    from google.rpc import code_pb2, error_details_pb2, status_pb2

    def details_of(error):
        trailers = dict(error.trailing_metadata() or ())
        status = status_pb2.Status.FromString(trailers["grpc-status-details-bin"])
        return status, [detail.type_url.rsplit("/", 1)[-1] for detail in status.details]

    def echo():
        response, call = stub.Echo.with_call(
            echo_pb2.EchoRequest(message="hi", repeat=2, big_number=1 << 40), metadata=(("x-test", "yes"),))
        assert response.message == "hi hi", response.message
        assert response.request.big_number == 1 << 40
        assert response.metadata["x-test"] == "yes", dict(response.metadata)

    def expand():
        responses = list(stub.Expand(echo_pb2.ExpandRequest(message="m", count=4)))
        assert [r.index for r in responses] == [0, 1, 2, 3], responses

    def expand_fail_after():
        received = []
        try:
            for response in stub.Expand(echo_pb2.ExpandRequest(message="m", count=5, fail_after=2,
                                                                fail_code=code_pb2.NOT_FOUND)):
                received.append(response.index)
            raise AssertionError("Expand did not fail")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.NOT_FOUND, error.code()
            assert received == [0, 1], received

    def fail_with_details():
        request = echo_pb2.FailRequest(code=code_pb2.INVALID_ARGUMENT, message="bad", invalid_fields=["a", "b"],
                                       include_unknown_detail=True)
        request.retry_delay.FromMilliseconds(1500)
        try:
            stub.Fail(request)
            raise AssertionError("Fail did not fail")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and error.details() == "bad"
            status, types = details_of(error)
            assert types == ["google.rpc.BadRequest", "google.rpc.ErrorInfo", "google.rpc.RetryInfo",
                             "demo.hidden.v1.Secret"], types
            bad_request = error_details_pb2.BadRequest()
            status.details[0].Unpack(bad_request)
            assert [v.field for v in bad_request.field_violations] == ["a", "b"]

    def fail_ok():
        stub.Fail(echo_pb2.FailRequest(code=code_pb2.OK))

    def sleep_without_deadline():
        request = echo_pb2.SleepRequest()
        request.duration.FromMilliseconds(50)
        response = stub.Sleep(request)
        assert not response.deadline_set and response.slept.ToMilliseconds() >= 50, response

    def sleep_with_deadline():
        request = echo_pb2.SleepRequest()
        request.duration.FromMilliseconds(20)
        response = stub.Sleep(request, timeout=5)
        # grpcio rounds the encoded grpc-timeout up a little, so allow a few milliseconds over 5 s.
        assert response.deadline_set and 4000 < response.deadline_remaining.ToMilliseconds() <= 5100, response

    def sleep_past_deadline():
        request = echo_pb2.SleepRequest()
        request.duration.FromSeconds(10)
        started = time.monotonic()
        try:
            stub.Sleep(request, timeout=0.2)
            raise AssertionError("Sleep outlived its deadline")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED, error.code()
            assert time.monotonic() - started < 5

    def collect_and_chat():
        requests = [echo_pb2.EchoRequest(message=m) for m in ("a", "b", "c")]
        collected = stub.Collect(iter(requests))
        assert list(collected.messages) == ["a", "b", "c"] and collected.count == 3, collected
        chat = [r.message for r in stub.Chat(iter(requests))]
        assert chat == ["a", "b", "c"], chat

    def files():
        body = httpbody_pb2.HttpBody(content_type="text/csv", data=b"a,b\n1,2\n")
        uploaded = stub.Upload(echo_pb2.UploadRequest(name="t.csv", file=body))
        assert uploaded.size == 8 and uploaded.content_type == "text/csv", uploaded
        downloaded = stub.Download(echo_pb2.DownloadRequest(name="t.csv"))
        assert downloaded.data == body.data and downloaded.content_type == "text/csv", downloaded
        hello = stub.Download(echo_pb2.DownloadRequest(name="hello.txt"))
        assert hello.content_type == "text/plain; charset=utf-8", hello.content_type

    def headers():
        response, call = stub.Headers.with_call(echo_pb2.HeadersRequest(), metadata=(("x-who", "me"),))
        initial = dict(call.initial_metadata())
        trailing = dict(call.trailing_metadata())
        assert initial["x-demo-initial"] == "yes" and initial["x-demo-initial-bin"] == bytes([0, 1, 254, 255])
        assert trailing["x-demo-trailing"] == "yes" and trailing["x-demo-trailing-bin"] == bytes([0, 1, 254, 255])
        assert response.metadata["x-who"] == "me"

    checks = [echo, expand, expand_fail_after, fail_with_details, fail_ok, sleep_without_deadline,
              sleep_with_deadline, sleep_past_deadline, collect_and_chat, files, headers]
    failures = 0
    for check in checks:
        try:
            check()
            print(f"ok   {check.__name__}")
        except Exception as error:  # report every failing check, not just the first
            failures += 1
            print(f"FAIL {check.__name__}: {error!r}")
    print(f"{len(checks) - failures} passed, {failures} failed")
    return failures


if __name__ == "__main__":
    main()
