"""A progress line on stderr while terraform works, so a long plan never looks hung.

On a terminal: a spinner with the step and the seconds elapsed, rewritten in place. Elsewhere
(CI logs): one line when a step starts and one when it ends, no control characters.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from contextlib import contextmanager
from typing import IO, Iterator

_FRAMES = "|/-\\"


@contextmanager
def progress(step: str, stream: IO[str] | None = None, interval: float = 0.2) -> Iterator[None]:
    out = stream or sys.stderr
    started = time.monotonic()
    interactive = out.isatty()
    done = threading.Event()

    def spin() -> None:
        for frame in itertools.cycle(_FRAMES):
            if done.wait(interval):
                return
            out.write(f"\r{frame} {step} ({time.monotonic() - started:.0f}s)")
            out.flush()

    if interactive:
        spinner = threading.Thread(target=spin, daemon=True)
        spinner.start()
    else:
        out.write(f"{step}...\n")
        out.flush()
    ok = False
    try:
        yield
        ok = True
    finally:
        done.set()
        if interactive:
            spinner.join()
            out.write("\r\033[K")
        elapsed = time.monotonic() - started
        out.write(f"{step}: {'done' if ok else 'failed'} in {elapsed:.1f}s\n")
        out.flush()
