"""`python -m generator` and the `trackboard` command."""

import atexit
import contextlib
import os
import sys
import threading


def run() -> None:
    """Start the command line; Ctrl+C while it is still starting up ends it quietly, as it does later."""
    try:
        from generator.cli import main
    except KeyboardInterrupt:
        sys.exit(130)
    try:
        main(prog_name="trackboard")
    except SystemExit as exc:
        leave(exc.code)
    leave(0)


def leave(code: str | int | None) -> None:
    """End the process with `code` as sys.exit would, less the interpreter's teardown of every object the
    command made, one by one (slow after a large site's build). The exit handlers run, the output is flushed;
    when a thread is still at work the usual exit waits for it."""
    if any(thread.is_alive() and not thread.daemon for thread in threading.enumerate()
           if thread is not threading.main_thread()):
        sys.exit(code)
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): the message goes to stderr, the status is 1
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (| head) or stream
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    run()
