"""Every line a handler prints or logs, attributed to its invocation.

`print()` (stdout) is `info`, writes to stderr are `error`, and the `logging` module maps
WARNING to `warn`, ERROR and above to `error`, anything else to `info`. Invocations run on
a thread pool, so the invocation a line belongs to is found through a context variable
(set per invocation; asyncio tasks inherit it), not a global.

Lines are gathered per invocation and sent to the server every FLUSH_SECONDS as
`[ts, level, message]` (the server stores them; src/runtime/python/wire.ts), like the
JavaScript executor does: waking the log store once per line would cost more than the line.
"""
import contextvars
import io
import logging
import sys
import threading
import time

FLUSH_SECONDS = 0.025


class Scope:
    """What the current thread or task is doing: an invocation (with its log), or loading
    the handler at `function_path` (output then becomes a stray line of that function)."""

    __slots__ = ('function_path', 'log')

    def __init__(self, function_path, log=None):
        self.function_path = function_path
        self.log = log


current = contextvars.ContextVar('openless_scope', default=None)


class InvocationLog:
    """The lines of one invocation: START … END. `partial` holds text printed without a
    newline yet, per level."""

    __slots__ = ('book', 'request_id', 'function_path', 'lines', 'final', 'dirty', 'partial')

    def __init__(self, book, request_id, function_path):
        self.book = book
        self.request_id = request_id
        self.function_path = function_path
        self.lines = []
        self.final = False
        self.dirty = False
        self.partial = {}

    def write(self, level, message, final=False):
        self.book.add(self, level, message, final)

    def end_partial_lines(self):
        """Text printed with end='' still counts when the invocation ends."""
        for level, text in list(self.partial.items()):
            if text:
                self.write(level, text)
        self.partial.clear()


class LogBook:
    """The logs of one worker process; a daemon thread sends the dirty ones every FLUSH_SECONDS."""

    def __init__(self, channel):
        self._channel = channel
        self._lock = threading.Lock()
        self._dirty = []
        self._wake = threading.Event()
        threading.Thread(target=self._run, name='openless-logs', daemon=True).start()

    def open(self, request_id, function_path):
        return InvocationLog(self, request_id, function_path)

    def add(self, log, level, message, final):
        line = (int(time.time() * 1000), level, message)
        with self._lock:
            log.lines.append(line)
            log.final = final
            if log.dirty:
                return
            log.dirty = True
            self._dirty.append(log)
        self._wake.set()

    def stray(self, function_path, level, message):
        """A line written outside any invocation (module import, a thread of the handler's own)."""
        self.open('-', function_path).write(level, message, final=True)

    def _run(self):
        while True:
            self._wake.wait()
            time.sleep(FLUSH_SECONDS)
            self._wake.clear()
            self.flush()

    def flush(self):
        with self._lock:
            dirty, self._dirty = self._dirty, []
            chunks = []
            for log in dirty:
                chunks.append({'functionPath': log.function_path, 'requestId': log.request_id, 'lines': log.lines, 'final': log.final})
                log.lines = []
                log.dirty = False
        if chunks:
            self._channel.send({'t': 'logs', 'chunks': chunks})


def write_line(book, level, message):
    scope = current.get()
    if scope is not None and scope.log is not None:
        scope.log.write(level, message)
    else:
        book.stray(scope.function_path if scope is not None else '-', level, message)


class HandlerOutput(io.TextIOBase):
    """Replaces sys.stdout / sys.stderr. One print() becomes one log line (its text without
    the final newline), even when it holds several lines, as one console.log does in Node."""

    def __init__(self, book, level, name):
        super().__init__()
        self._book = book
        self._level = level
        self._name = name
        self._stray = threading.local()

    @property
    def encoding(self):
        return 'utf-8'

    @property
    def name(self):
        return self._name

    def writable(self):
        return True

    def isatty(self):
        return False

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError('write() argument must be str, not %s' % type(text).__name__)
        scope = current.get()
        log = scope.log if scope is not None else None
        if log is not None:
            buffered = log.partial.get(self._level, '') + text
            if buffered.endswith('\n'):
                log.partial[self._level] = ''
                log.write(self._level, buffered[:-1])
            else:
                log.partial[self._level] = buffered
            return len(text)
        buffered = getattr(self._stray, 'text', '') + text
        if buffered.endswith('\n'):
            self._stray.text = ''
            self._book.stray(scope.function_path if scope is not None else '-', self._level, buffered[:-1])
        else:
            self._stray.text = buffered
        return len(text)


class _LogHandler(logging.Handler):
    def __init__(self, book, deployed_prefix):
        super().__init__()
        self._book = book
        self._deployed_prefix = deployed_prefix

    def emit(self, record):
        try:
            message = self.format(record)
        except Exception:
            self.handleError(record)
            return
        if record.exc_info:
            # logging.exception(): its traceback names the deployment's files as in the project.
            message = message.replace(self._deployed_prefix, '')
        if record.levelno >= logging.ERROR:
            level = 'error'
        elif record.levelno >= logging.WARNING:
            level = 'warn'
        else:
            level = 'info'
        write_line(self._book, level, message)


def capture_output(book, deployed_prefix):
    """Routes print(), writes to sys.stderr and the logging module to the invocation logs.
    The root logger starts at INFO (so logging.info() is seen) with our handler only;
    logging.basicConfig() is then a no-op, as it is on AWS Lambda."""
    sys.stdout = HandlerOutput(book, 'info', '<stdout>')
    sys.stderr = HandlerOutput(book, 'error', '<stderr>')
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(_LogHandler(book, deployed_prefix))
    root.setLevel(logging.INFO)
