"""The progress line of a run on a terminal: `[37/174] examples/dag.claims`.

Written to stderr, rewritten in place, and only when stderr is a terminal
(never into a pipe or a file); it first appears when the run has taken DELAY
seconds, so a short run prints nothing but its report. The line names the
file of the next claim to be reported and is cut to the terminal's width
(a wrapped line could not be erased). Whoever prints to stdout on the same
terminal does it inside `with progress.paused():`, which erases the line and
holds a lock, so that the timer drawing the first line cannot write in the
middle of that.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, Optional, Sequence, TextIO

DELAY = 1.0  # seconds of a run before its progress line appears

_ERASE = "\r\033[K"


class Progress:
    """`[done/total] file`, for a run whose claims come from `files` (one entry per claim)."""

    def __init__(self, stream: Optional[TextIO] = None, delay: Optional[float] = None,
                 clock: Callable[[], float] = time.monotonic, timer: bool = True):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _is_tty(self.stream)
        self.delay = DELAY if delay is None else delay
        self.clock = clock
        self.started = clock()
        self.files: Sequence[str] = ()
        self.done = 0
        self.shown = False
        self.closed = False
        self.lock = threading.Lock()
        self._timer: Optional[threading.Timer] = None
        self._use_timer = timer

    def begin(self, files: Sequence[str]) -> None:
        self.files, self.done = files, 0
        if not self.enabled or not files:
            return
        wait = self.delay - (self.clock() - self.started)
        if wait <= 0:
            self.draw()
        elif self._use_timer:
            self._timer = threading.Timer(wait, self.draw)
            self._timer.daemon = True
            self._timer.start()

    def advance(self) -> None:
        """One more claim reported; redraw if the run is past DELAY."""
        self.done += 1
        if self.enabled and self.clock() - self.started >= self.delay:
            self.draw()

    def draw(self) -> None:
        with self.lock:
            if self.closed or self.done >= len(self.files):
                self._erase()
                return
            width = max(20, shutil.get_terminal_size().columns - 1)
            self.stream.write(_ERASE + f"[{self.done}/{len(self.files)}] {self.files[self.done]}"[:width])
            self.stream.flush()
            self.shown = True

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The line erased, and not redrawn, while the caller prints."""
        with self.lock:
            self._erase()
            yield

    def close(self) -> None:
        """Erase the line for good (the run is over)."""
        if self._timer is not None:
            self._timer.cancel()
        with self.lock:
            self.closed = True
            self._erase()

    def _erase(self) -> None:
        if self.shown:
            self.stream.write(_ERASE)
            self.stream.flush()
            self.shown = False


def _is_tty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
