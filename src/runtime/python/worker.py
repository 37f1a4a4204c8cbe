"""Entry point of one OpenLess Python worker process (started by python-process.ts).

This folder is on sys.path only long enough to import the worker package: handlers must
not be able to import the worker's own modules by accident (a shared module named `host`
or `logs` must resolve to the project's, not ours).
"""
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _here)
import openless_worker.main  # noqa: E402  (needs the path above)

sys.path.remove(_here)
openless_worker.main.run()
