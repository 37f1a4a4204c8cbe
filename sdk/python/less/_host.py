"""The link between the SDK and the worker process running the handler.

The worker installs its host object here at start-up; outside OpenLess there is none,
and using the SDK says so instead of failing obscurely.
"""

_current = None


def install(host):
    global _current
    _current = host


def get():
    if _current is None:
        raise RuntimeError('the less package can only be used inside a handler run by OpenLess (deploy it with `less-cli deploy <project>`)')
    return _current
