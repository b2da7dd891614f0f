"""Browser test of Portico's console: headless Chromium drives the page served by the `portico` demo.

Starts the demo binary (env PORTICO_BIN, default .build/debug/portico) on a free port from the repository root,
so that it serves the repository's public/ directory, then checks what the page shows for REST and gRPC-Web
calls, unary and server-streaming. Saves screenshots to artifacts/. See README.md beside this file.
"""

import json
import os
import pathlib
import queue
import re
import shutil
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

REPO = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
WAIT_SECONDS = 30


# MARK: Fixtures


@pytest.fixture(scope="module")
def gateway():
    """The demo (backend and gateway) on a free port; yields its base URL, e.g. http://127.0.0.1:40123."""
    binary = os.environ.get("PORTICO_BIN", str(REPO / ".build" / "debug" / "portico"))
    if not os.access(binary, os.X_OK):
        pytest.fail(f"no portico binary at {binary}: run `swift build` first or set PORTICO_BIN")
    process = subprocess.Popen(
        [binary, "--listen", "127.0.0.1:0", "--log-level", "warning"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = queue.Queue()

    def pump():  # keeps the pipe drained for the whole run
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    base, output, deadline = None, [], time.monotonic() + 120
    while base is None and time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            break
        output.append(line)
        match = re.search(r"serving the demo at (http://\S+?) ", line)
        if match:
            base = match.group(1)
    if base is None:
        process.kill()
        pytest.fail("portico did not report its address:\n" + "".join(output))
    try:
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser():
    options = Options()
    options.binary_location = os.environ.get("CHROMIUM_BIN", shutil.which("chromium") or "/usr/bin/chromium")
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1440,1000",
        "--force-device-scale-factor=1",
        "--lang=en-US",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = os.environ.get("CHROMEDRIVER_BIN", shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    try:
        yield driver
    finally:
        driver.quit()


# MARK: Helpers


def wait(driver, condition, message):
    return WebDriverWait(driver, WAIT_SECONDS).until(condition, message)


def open_method(driver, base, grpc_path):
    """Loads the console afresh with `grpc_path` selected (the page's deep link) and waits for the method view."""
    driver.get("about:blank")
    driver.get(f"{base}/#{grpc_path}")
    name = grpc_path.rsplit("/", 1)[-1]
    wait(driver, lambda d: d.find_element(By.ID, "method-title").text.startswith(name), f"{name} is not shown")


def set_request(driver, message):
    driver.execute_script(
        "const editor = document.getElementById('request-editor');"
        "editor.value = arguments[0];"
        "editor.dispatchEvent(new Event('input'));",
        json.dumps(message, indent=2),
    )


def choose_protocol(driver, protocol):
    driver.find_element(By.CSS_SELECTOR, f"label[for='protocol-{protocol}']").click()
    assert driver.find_element(By.ID, f"protocol-{protocol}").is_selected()


def text_of(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def stream_messages(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#stream-list .stream-message:not(.stream-error)")


def assert_no_page_errors(driver):
    """The browser logged no errors: no script exception, no blocked resource, no CSP violation."""
    severe = [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
    # A failed call's HTTP status (e.g. the 400 of a deliberate error) is logged by Chromium as a resource error.
    unexpected = [entry for entry in severe if "the server responded with a status of" not in entry.get("message", "")]
    assert not unexpected, f"browser errors: {unexpected}"


def screenshot(driver, name):
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / name))


def grpc_web_json_status(base):
    """The HTTP status of a gRPC-Web (JSON) call to Echo made from Python, to see if the gateway supports it."""
    payload = json.dumps({"message": "probe"}).encode()
    request = urllib.request.Request(
        f"{base}/echo.v1.EchoService/Echo",
        data=b"\x00" + struct.pack(">I", len(payload)) + payload,
        headers={"content-type": "application/grpc-web+json", "x-grpc-web": "1"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# MARK: Tests


def test_lists_services_and_methods(gateway, browser):
    browser.get(f"{gateway}/")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".method-button"), "no methods listed")
    assert "2 services" in text_of(browser, "gateway-info")
    listed = {button.get_attribute("data-method") for button in browser.find_elements(By.CSS_SELECTOR, ".method-button")}
    assert {"library.v1.LibraryService.GetBook", "echo.v1.EchoService.Expand", "echo.v1.EchoService.Chat"} <= listed

    browser.find_element(By.CSS_SELECTOR, ".method-button[data-method='library.v1.LibraryService.ListBooks']").click()
    assert text_of(browser, "method-grpc-path") == "/library.v1.LibraryService/ListBooks"
    assert "GET /v1/{parent=shelves/*}/books" in text_of(browser, "method-routes").replace("\n", " ")
    assert "Lists the books on a shelf" in text_of(browser, "method-comments")
    # The example request is prefilled from the schema, with the path variable filled from its pattern.
    example = json.loads(browser.find_element(By.ID, "request-editor").get_attribute("value"))
    assert example["parent"] == "shelves/1"
    assert example["genre"] == "GENRE_UNSPECIFIED"
    assert text_of(browser, "preview-url") == "/v1/shelves/1/books"
    assert_no_page_errors(browser)


def test_rest_unary_call(gateway, browser):
    with urllib.request.urlopen(f"{gateway}/v1/shelves/1/books/2", timeout=10) as response:
        title = json.load(response)["title"]

    open_method(browser, gateway, "/library.v1.LibraryService/GetBook")
    choose_protocol(browser, "rest")
    set_request(browser, {"name": "shelves/1/books/2"})
    assert text_of(browser, "preview-url") == "/v1/shelves/1/books/2"
    browser.find_element(By.ID, "send-button").click()

    wait(browser, lambda d: text_of(d, "http-status").startswith("200"), "no HTTP 200 shown")
    wait(browser, lambda d: text_of(d, "grpc-status") == "0 OK", "no gRPC OK shown")
    body = text_of(browser, "response-body")
    assert title in body
    assert '"name": "shelves/1/books/2"' in body  # pretty-printed
    assert re.fullmatch(r"\d+ ms", text_of(browser, "timing"))
    assert "headers in" in text_of(browser, "timing-detail")

    browser.find_element(By.ID, "tab-headers").click()
    assert "content-type" in text_of(browser, "response-headers")
    browser.find_element(By.ID, "tab-body").click()
    screenshot(browser, "console.png")
    assert_no_page_errors(browser)


def test_rest_error_shows_status(gateway, browser):
    open_method(browser, gateway, "/echo.v1.EchoService/Fail")
    set_request(browser, {"code": "INVALID_ARGUMENT", "message": "bad book", "invalidFields": ["title"]})
    browser.find_element(By.ID, "send-button").click()
    wait(browser, lambda d: text_of(d, "http-status").startswith("400"), "no HTTP 400 shown")
    assert text_of(browser, "grpc-status") == "3 INVALID_ARGUMENT"
    assert text_of(browser, "grpc-message") == "bad book"
    assert "google.rpc.BadRequest" in text_of(browser, "response-body")
    assert_no_page_errors(browser)


def test_rest_server_streaming_renders_live(gateway, browser):
    open_method(browser, gateway, "/echo.v1.EchoService/Expand")
    choose_protocol(browser, "rest")
    set_request(browser, {"message": "tick", "count": 4, "interval": "0.6s"})
    assert text_of(browser, "preview-url") == "/v1/echo/tick:expand?count=4&interval=0.6s"
    browser.find_element(By.ID, "send-button").click()

    # The first message shows while the call is still running (the Cancel button is up until it ends).
    wait(browser, lambda d: len(stream_messages(d)) >= 1, "no streamed message rendered")
    assert len(stream_messages(browser)) < 4
    assert browser.find_element(By.ID, "cancel-button").is_displayed()

    wait(browser, lambda d: len(stream_messages(d)) == 4, "not all streamed messages rendered")
    wait(browser, lambda d: text_of(d, "grpc-status") == "0 OK", "no gRPC OK after the stream")
    assert text_of(browser, "message-count") == "4"
    texts = [message.text for message in stream_messages(browser)]
    assert all('"message": "tick"' in text for text in texts)
    assert '"index": 3' in texts[3]
    screenshot(browser, "console-rest-stream.png")
    assert_no_page_errors(browser)


def require_grpc_web_json(gateway):
    """Skips the test only when the gateway answers 415 to application/grpc-web+json (no JSON gRPC-Web yet)."""
    status = grpc_web_json_status(gateway)
    if status == 415:
        pytest.skip("the gateway answers 415 to application/grpc-web+json: gRPC-Web JSON transcoding is not in this build")
    assert status == 200, f"a gRPC-Web (JSON) call to Echo answered HTTP {status}, not 200: no gRPC-Web in this build?"


def test_grpc_web_server_streaming(gateway, browser):
    require_grpc_web_json(gateway)

    open_method(browser, gateway, "/echo.v1.EchoService/Expand")
    choose_protocol(browser, "grpcweb")
    set_request(browser, {"message": "frame", "count": 3, "interval": "0.5s"})
    assert text_of(browser, "preview-url") == "/echo.v1.EchoService/Expand"
    browser.find_element(By.ID, "send-button").click()

    wait(browser, lambda d: len(stream_messages(d)) >= 1, "no gRPC-Web message rendered")
    assert len(stream_messages(browser)) < 3
    wait(browser, lambda d: len(stream_messages(d)) == 3, "not all gRPC-Web messages rendered")
    wait(browser, lambda d: text_of(d, "grpc-status") == "0 OK", "no gRPC OK from the trailer frame")
    assert text_of(browser, "http-status").startswith("200")
    assert all('"message": "frame"' in message.text for message in stream_messages(browser))
    browser.find_element(By.ID, "tab-headers").click()
    assert "grpc-status" in text_of(browser, "response-headers")  # the trailer frame's fields
    browser.find_element(By.ID, "tab-body").click()
    screenshot(browser, "console-grpc-web-stream.png")
    assert_no_page_errors(browser)


def test_grpc_web_unary_and_client_streaming(gateway, browser):
    require_grpc_web_json(gateway)

    open_method(browser, gateway, "/library.v1.LibraryService/GetBook")
    choose_protocol(browser, "grpcweb")
    set_request(browser, {"name": "shelves/1/books/1"})
    browser.find_element(By.ID, "send-button").click()
    wait(browser, lambda d: text_of(d, "grpc-status") == "0 OK", "no gRPC OK for GetBook over gRPC-Web")
    assert '"name": "shelves/1/books/1"' in text_of(browser, "response-body")

    set_request(browser, {"name": "shelves/1/books/404"})
    browser.find_element(By.ID, "send-button").click()
    wait(browser, lambda d: text_of(d, "grpc-status") == "5 NOT_FOUND", "no NOT_FOUND (trailers-only) shown")
    assert text_of(browser, "http-status").startswith("200")
    assert "404" in text_of(browser, "grpc-message")

    # Client streaming: the page starts on gRPC-Web with an array, one frame per element.
    open_method(browser, gateway, "/echo.v1.EchoService/Collect")
    assert browser.find_element(By.ID, "protocol-grpcweb").is_selected()
    set_request(browser, [{"message": "one"}, {"message": "two"}, {"message": "three"}])
    assert "3 gRPC-Web frames" in text_of(browser, "editor-status")
    browser.find_element(By.ID, "send-button").click()
    wait(browser, lambda d: text_of(d, "grpc-status") == "0 OK", "no gRPC OK for Collect")
    body = text_of(browser, "response-body")
    assert '"count": 3' in body
    assert '"three"' in body
    assert_no_page_errors(browser)


def set_field(driver, element_id, value):
    driver.execute_script(
        "const field = document.getElementById(arguments[0]);"
        "field.value = arguments[1];"
        "field.dispatchEvent(new Event('input'));",
        element_id,
        value,
    )


def test_deadline_and_custom_headers(gateway, browser):
    open_method(browser, gateway, "/echo.v1.EchoService/Headers")
    choose_protocol(browser, "rest")
    set_field(browser, "headers-input", "x-team: books\n# a comment\nx-trace-id: 42")
    browser.find_element(By.ID, "send-button").click()
    wait(browser, lambda d: text_of(d, "grpc-status") == "0 OK", "no gRPC OK for Headers")
    body = text_of(browser, "response-body")
    assert '"x-team": "books"' in body
    assert '"x-trace-id": "42"' in body

    set_field(browser, "headers-input", "not a header line")
    assert "not \"name: value\"" in text_of(browser, "editor-status")
    set_field(browser, "headers-input", "")

    open_method(browser, gateway, "/echo.v1.EchoService/Sleep")
    choose_protocol(browser, "rest")
    set_request(browser, {"duration": "5s"})
    set_field(browser, "deadline-input", "0.3")
    browser.find_element(By.ID, "send-button").click()
    wait(browser, lambda d: text_of(d, "grpc-status") == "4 DEADLINE_EXCEEDED", "no DEADLINE_EXCEEDED over REST")
    assert text_of(browser, "http-status").startswith("504")

    if grpc_web_json_status(gateway) == 200:
        choose_protocol(browser, "grpcweb")
        browser.find_element(By.ID, "send-button").click()
        wait(browser, lambda d: text_of(d, "grpc-status") == "4 DEADLINE_EXCEEDED", "no DEADLINE_EXCEEDED over gRPC-Web")


def test_copy_as_curl_commands_run(gateway, browser):
    """The page's "Copy as curl" commands, run by a shell, make the same calls."""
    open_method(browser, gateway, "/library.v1.LibraryService/GetBook")
    choose_protocol(browser, "rest")
    set_request(browser, {"name": "shelves/1/books/1"})
    command = browser.execute_script("return PorticoConsole.curlCommand(PorticoConsole.buildRequest())")
    output = subprocess.run(["sh", "-c", command], capture_output=True, timeout=30, check=True).stdout
    assert json.loads(output)["name"] == "shelves/1/books/1"

    if grpc_web_json_status(gateway) != 200:
        return
    open_method(browser, gateway, "/echo.v1.EchoService/Collect")
    set_request(browser, [{"message": "it's"}, {"message": "100%"}])
    command = browser.execute_script("return PorticoConsole.curlCommand(PorticoConsole.buildRequest())")
    output = subprocess.run(["sh", "-c", command], capture_output=True, timeout=30, check=True).stdout
    assert b'"messages":["it\'s","100%"]' in output
    assert b"grpc-status: 0" in output


def test_grpc_web_frame_parsing_in_the_page(gateway, browser):
    """The page's gRPC-Web codec, fed the same frames in every chunking from 1 byte to all at once."""
    browser.get(f"{gateway}/")
    wait(browser, lambda d: d.execute_script("return !!window.PorticoConsole"), "console script not loaded")
    result = browser.execute_script(
        """
        const { GrpcWebParser, encodeFrame, parseTrailers, decodeGrpcMessage, grpcTimeout } = window.PorticoConsole;
        const enc = new TextEncoder();
        const one = encodeFrame('{"a":1}');
        const two = encodeFrame('{"b":"\u00e9"}');
        const trailerText = enc.encode('grpc-status: 3\\r\\ngrpc-message: bad%20book%20%E2%9C%93\\r\\nx-extra: y\\r\\n');
        const trailer = new Uint8Array(5 + trailerText.length);
        trailer[0] = 0x80;
        new DataView(trailer.buffer).setUint32(1, trailerText.length);
        trailer.set(trailerText, 5);
        const all = new Uint8Array([...one, ...two, ...trailer]);
        const runs = [];
        for (const size of [1, 2, 3, 5, 7, 13, all.length]) {
          const parser = new GrpcWebParser();
          const seen = [];
          for (let i = 0; i < all.length; i += size) {
            for (const frame of parser.push(all.slice(i, i + size))) {
              seen.push((frame.trailer ? 'T:' : 'M:') + new TextDecoder().decode(frame.payload));
            }
          }
          runs.push({ seen, pending: parser.pendingBytes });
        }
        const trailers = parseTrailers(new TextDecoder().decode(trailerText));
        return {
          header: Array.from(one.slice(0, 5)),
          runs,
          status: trailers.get('grpc-status'),
          message: decodeGrpcMessage(trailers.get('grpc-message')),
          badEscape: decodeGrpcMessage('100%'),
          timeouts: [grpcTimeout(2.5), grpcTimeout(0.0001), grpcTimeout(1e9)],
        };
        """
    )
    assert result["header"] == [0, 0, 0, 0, 7]
    expected = ['M:{"a":1}', 'M:{"b":"\u00e9"}', "T:grpc-status: 3\r\ngrpc-message: bad%20book%20%E2%9C%93\r\nx-extra: y\r\n"]
    for run in result["runs"]:
        assert run["seen"] == expected
        assert run["pending"] == 0
    assert result["status"] == "3"
    assert result["message"] == "bad book \u2713"
    assert result["badEscape"] == "100%"
    assert result["timeouts"] == ["2500m", "1m", "99999999S"]
