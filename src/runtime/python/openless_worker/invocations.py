"""Runs one invocation: an API route (middlewares, then `process`, then the response as it
goes on the wire), a socket `connect`, or a socket event. Mirrors the JavaScript executor
(src/runtime/js/api-invocation.ts, handler-worker.ts) so that both languages answer alike.

Sync and `async def` handlers both work: an awaitable result is run to completion on an
event loop that belongs to the invocation's thread (kept for the thread's next invocations,
since creating a loop per invocation costs more than the loop).
"""
import base64
import inspect
import json
import os
import re
import threading
import time
import traceback

from .channel import encode
from .logs import Scope, current

# Frames of the worker itself, asyncio and the thread pool are noise in a handler's traceback.
_STDLIB = os.path.dirname(os.__file__)
_INTERNAL = tuple(
    os.path.join(folder, '')
    for folder in (os.path.dirname(os.path.abspath(__file__)), os.path.join(_STDLIB, 'asyncio'), os.path.join(_STDLIB, 'concurrent'))
)


class Headers(dict):
    """Headers as the client sent them; lookup ignores case (`headers['accept']` and
    `headers['Accept']` both work, as on Less)."""

    def __init__(self, headers):
        super().__init__(headers)
        self._names = {name.lower(): name for name in headers}

    def _name(self, key):
        if isinstance(key, str) and not dict.__contains__(self, key):
            return self._names.get(key.lower(), key)
        return key

    def __getitem__(self, key):
        return dict.__getitem__(self, self._name(key))

    def __contains__(self, key):
        return dict.__contains__(self, self._name(key))

    def __setitem__(self, key, value):
        if isinstance(key, str):
            self._names.setdefault(key.lower(), key)
        dict.__setitem__(self, self._name(key), value)

    def get(self, key, default=None):
        return dict.get(self, self._name(key), default)


class Invocations:
    def __init__(self, handlers, book, channel, deployed_prefix):
        self._handlers = handlers
        self._book = book
        self._channel = channel
        self._deployed_prefix = deployed_prefix

    def run(self, message):
        """Runs on a pool thread, inside a fresh contextvars.Context (see main.py)."""
        invocation_id = message['id']
        function_path = message['functionPath']
        invocation = message['invocation']
        log = self._book.open(message['requestId'], function_path)
        started = time.perf_counter()
        log.write('start', '')
        current.set(Scope(function_path, log))
        try:
            handler = self._handlers.get(function_path)
            kind = invocation['kind']
            if kind == 'api':
                value = _run_api(handler, invocation['request'])
            elif kind == 'connect':
                event = dict(invocation['event'])
                event['headers'] = Headers(event.get('headers') or {})
                value = _settle(handler.process(event))
            elif kind == 'cron':
                value = _settle(handler.process())  # a cron is called with nothing (SPEC 2)
            else:
                value = _settle(handler.process(invocation.get('payload')))
            try:
                outgoing = encode({'t': 'result', 'id': invocation_id, 'ok': True, 'value': value})
            except (TypeError, ValueError) as error:
                raise TypeError("the handler's return value is not JSON-serialisable (%s)" % error) from None
        except BaseException as error:  # SystemExit too: a handler must not end the process
            serialized = serialize_error(error, self._deployed_prefix)
            log.write('error', serialized['stack'])
            outgoing = encode({'t': 'result', 'id': invocation_id, 'ok': False, 'error': serialized})
        log.end_partial_lines()
        # END before the result leaves: once the server has every result it may retire this
        # process, and the retire must find the whole log ready to flush.
        log.write('end', '%.2f ms' % ((time.perf_counter() - started) * 1000), final=True)
        self._channel.send_encoded(outgoing)


_thread = threading.local()


def _settle(value):
    """The value itself, or what it resolves to when the handler is `async def`."""
    if not inspect.isawaitable(value):
        return value
    loop = getattr(_thread, 'loop', None)
    if loop is None:
        import asyncio  # only when a handler is async: it costs start-up time

        loop = _thread.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    return loop.run_until_complete(value)


def _run_api(handler, wire):
    request = dict(wire)
    request['headers'] = Headers(wire.get('headers') or {})
    response = {'statusCode': 200, 'headers': {}, 'body': ''}
    for middleware in handler.middlewares:
        called = []
        _settle(middleware(request, response, lambda *_: called.append(True)))
        # A middleware that does not call next() ends the request with the response as it is.
        if not called:
            return _to_wire(response)
    returned = _settle(handler.process(request, response))
    if isinstance(returned, dict):
        response = returned
    return _to_wire(response)


def _to_wire(response):
    status = _status_code(response.get('statusCode', 200))
    headers = {}
    raw_headers = response.get('headers')
    if isinstance(raw_headers, dict):
        for name, value in raw_headers.items():
            if value is None:
                continue
            name = str(name)
            if not _HEADER_NAME.match(name):
                raise ValueError("response['headers'][%r]: a header name is letters, digits and !#$%%&'*+-.^_`|~ only — rename the header" % (name,))
            if isinstance(value, (list, tuple)):
                headers[name] = [_header_text(name, item) for item in value]
            else:
                headers[name] = _header_text(name, value)
    has_content_type = any(name.lower() == 'content-type' for name in headers)
    body = response.get('body')
    if body is None:
        body = ''
    elif isinstance(body, (bytes, bytearray, memoryview)):
        # Bytes cannot travel in JSON: the server decodes them back (python-pool.ts).
        return {'statusCode': status, 'headers': headers, 'body': base64.b64encode(bytes(body)).decode('ascii'), 'bodyEncoding': 'base64'}
    elif isinstance(body, (bool, int, float)):
        body = _text(body)
    elif not isinstance(body, str):
        if not has_content_type:
            headers['Content-Type'] = 'application/json'
        body = json.dumps(body, ensure_ascii=False, separators=(',', ':'))
    return {'statusCode': status, 'headers': headers, 'body': body}


def _status_code(value):
    code = value
    if isinstance(code, float) and code.is_integer():
        code = int(code)
    elif isinstance(code, str):
        try:
            code = int(code.strip())
        except ValueError:
            pass
    if isinstance(code, bool) or not isinstance(code, int) or not 100 <= code <= 599:
        raise ValueError("response['statusCode'] must be an integer from 100 to 599 (got %r)" % (value,))
    return code


# An HTTP token (RFC 9110); what a header value may not hold, as the server (Node) checks it.
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_INVALID_HEADER_VALUE = re.compile(r'[^\t\x20-\x7e\x80-\xff]')


def _header_text(name, value):
    """The same wording as the JavaScript executor's (api-invocation.ts)."""
    text = _text(value)
    if _INVALID_HEADER_VALUE.search(text):
        raise ValueError("response['headers'][%r] holds a line break, a control character or a character past Latin-1, which an HTTP header cannot carry — remove it, or encode the value (e.g. urllib.parse.quote)" % (name,))
    return text


def _text(value):
    """A header value or a scalar body as text; booleans and numbers as JSON writes them."""
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)
    return str(value)


def serialize_error(error, deployed_prefix):
    """{message, stack} as the JavaScript executor sends them: the message is the exception's
    own text, like a JavaScript `error.message` (a function's caller sees it, docs/functions.md),
    or its type when it has none; the stack is the traceback without the worker's own frames,
    naming the files under `deployed_prefix` (the deployment's copy) as in the project."""
    try:
        text = str(error)
    except Exception:  # a broken __str__ must not lose the failure itself
        text = ''
    message = text or type(error).__name__
    described = '%s: %s' % (type(error).__name__, text) if text else type(error).__name__
    try:
        details = traceback.TracebackException(type(error), error, error.__traceback__)
        _hide_internal_frames(details, set(), deployed_prefix)
        stack = ''.join(details.format()).rstrip('\n')
    except Exception:  # a broken __str__ must not lose the failure itself
        stack = described
    return {'message': message, 'stack': stack}


def _hide_internal_frames(details, seen, deployed_prefix):
    if details is None or id(details) in seen:
        return
    seen.add(id(details))
    frames = [frame for frame in details.stack if not frame.filename.startswith(_INTERNAL)]
    for frame in frames:
        if frame.filename.startswith(deployed_prefix):
            frame.line  # read from the file by its full name first (cached), then renamed
            frame.filename = frame.filename[len(deployed_prefix):]
    details.stack = traceback.StackSummary.from_list(frames)
    _hide_internal_frames(details.__cause__, seen, deployed_prefix)
    _hide_internal_frames(details.__context__, seen, deployed_prefix)
