"""Entry point of one OpenLess Python worker process (started by python-process.ts).

This folder is on sys.path only long enough to import the worker package: handlers must
not be able to import the worker's own modules by accident (`import worker` or
`import check_syntax` must fail, a shared module named `host` or `logs` must resolve to the
project's, not ours). The package's own modules are imported relative to it, so they keep
working once the folder is gone.
"""
import os
import sys

_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, _here)
import openless_worker.main  # noqa: E402  (needs the path above)

# Python itself also put this script's folder first on sys.path (symlinks resolved): drop
# every copy, not just the one inserted above.
sys.path[:] = [p for p in sys.path if os.path.realpath(p) != _here]
openless_worker.main.run()
