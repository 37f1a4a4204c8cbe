"""Wiring of one worker process, and its main loop.

The first frame from the server is `init` (project, deployment folder, handler files,
sockets, environment). After that the main thread only reads frames: invocations go to a
thread pool, replies to host calls go to the threads waiting for them.

Why threads: the SDK is synchronous (`kvs.get('K')` returns the value), so an invocation
waiting on the server holds its thread; with a pool, other invocations keep running
meanwhile. CPU-bound handlers share the GIL, which is why the server also runs several
processes per deployment (up to LESS_INSTANCES). A thread cannot be killed: a timed-out
invocation makes the server retire the whole process once its other invocations settle.
"""
import contextvars
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor

from .channel import Channel

MIN_PYTHON = (3, 8)
# Invocations in progress per process, most of them usually waiting on host calls.
MAX_THREADS = 64


def schedule_as_batch():
    """The batch policy (src/runtime/priority.ts): woken, this process never preempts the
    server's gateway thread. Set on the main thread before any other starts, so that every
    thread inherits it. Linux only; elsewhere, or if refused, the process keeps its policy."""
    try:
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    except (AttributeError, OSError):
        pass


def run():
    if '--batch-policy' in sys.argv[1:]:
        schedule_as_batch()
    # Ctrl-C in a foreground `less-cli server run` reaches the whole process group; the
    # server stops its workers itself, after their invocations have settled.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    channel = Channel()
    messages = (message for batch in channel.batches() for message in batch)
    init = next(messages, None)
    if init is None or init.get('t') != 'init':
        sys.stderr.write('openless worker: the first message must be init\n')
        os._exit(2)
    if sys.version_info < MIN_PYTHON:
        sys.stderr.write('OpenLess needs Python %d.%d or newer for Python handlers (this is %s)\n' % (MIN_PYTHON + (sys.version.split()[0],)))
        os._exit(2)

    # The SDK first (so `less` is ours), then less/shared: `from models import User`.
    sys.path[0:0] = [init['sdk'], os.path.join(init['dir'], 'less', 'shared')]
    # Handlers see the deployment's variables, not the server's environment (SPEC 2.5).
    os.environ.clear()
    os.environ.update(init['env'])

    import less._host
    from .handlers import Handlers
    from .host import Host
    from .invocations import Invocations
    from .logs import LogBook, capture_output

    book = LogBook(channel)
    # Tracebacks name the deployment's files as in the project (less/...), not by this copy's path.
    deployed_prefix = os.path.join(init['dir'], '')
    capture_output(book, deployed_prefix)
    host = Host(channel, init['project'], init['sockets'], init['maxPublishBytes'])
    less._host.install(host)
    invocations = Invocations(Handlers(init['files']), book, channel, deployed_prefix)
    pool = ThreadPoolExecutor(max_workers=MAX_THREADS, thread_name_prefix='invocation')

    for message in messages:
        kind = message['t']
        if kind == 'invoke':
            # A fresh context per invocation: nothing of one leaks into the next on that thread.
            pool.submit(contextvars.Context().run, invocations.run, message)
        elif kind == 'reply':
            host.reply(message)
        elif kind == 'ping':
            channel.send({'t': 'pong', 'id': message['id']})
        elif kind == 'retire':
            break
    # Retired, or the server closed the channel (it stopped, or replaced this process):
    # hand over the last logs and end at once, even if a runaway thread is still busy.
    book.flush()
    channel.drain()
    os._exit(0)
