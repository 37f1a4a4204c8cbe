"""Deploy-time check of a project's Python files (run by src/deploy/python-check.ts).

Reads a JSON list of {"path": shown path, "file": absolute path} on stdin and prints one
JSON object: {"version": [major, minor, micro], "errors": [{"path", "line", "message"}]}.
Files are compiled, never run or imported, and no __pycache__ is written. One process
checks every file: starting an interpreter per file would cost more than the check.
"""
import json
import sys


def check(path, file):
    try:
        with open(file, 'rb') as handle:
            source = handle.read()
        # Bytes, so that a `# -*- coding: ... -*-` line is honoured as when importing.
        compile(source, path, 'exec', dont_inherit=True)
    except SyntaxError as error:  # IndentationError and TabError too
        return {'path': path, 'line': error.lineno or 1, 'message': error.msg}
    except ValueError as error:  # e.g. "source code string cannot contain null bytes"
        return {'path': path, 'line': 1, 'message': str(error)}
    except OSError as error:
        return {'path': path, 'line': 1, 'message': 'cannot be read (%s)' % (error.strerror or error)}
    return None


def main():
    files = json.load(sys.stdin)
    errors = [error for error in (check(entry['path'], entry['file']) for entry in files) if error]
    json.dump({'version': list(sys.version_info[:3]), 'errors': errors}, sys.stdout)


if __name__ == '__main__':
    main()
