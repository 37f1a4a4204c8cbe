"""The Python side of OpenLess's handler runtime: one long-lived process per instance.

Modules, each with one job:
  channel      framed messages to and from the server (fd 3 in, fd 4 out)
  logs         every printed or logged line, attributed to its invocation
  host         what the `less` SDK reaches: host calls (kvs) and publishes
  handlers     loading handler files once and keeping them warm
  invocations  running one invocation: API, socket connect, socket event
  main         wiring, and the loop that hands invocations to a thread pool
"""
