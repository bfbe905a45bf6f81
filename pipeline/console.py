"""What every wirelake command shares on the console: counts, one-line usage errors, --port,
stopping on Ctrl-C or SIGTERM.

It imports nothing from the pipeline package, so workers that only extract (Scrapy, Airflow
tasks) can use it without loading the CLI or the fixture news web.
"""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

EXIT_USAGE = 2


def first_line(exc: BaseException) -> str:
    """An exception's message for a one-line error: its first non-blank line, or its type's name."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def counted(n: int, noun: str) -> str:
    """'1 page', '2 pages': the counts every command prints."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


INSTALL_AIRFLOW_EXTRA = "install the airflow extra (make install-test, or .venv/bin/pip install -c constraints.txt -e '.[airflow]')"
"""What to do where `make demo`'s virtualenv, which leaves Airflow out, meets a command that needs it."""


IS_EMPTY = "is empty (an unset shell variable?)"
"""What an empty value that names something (an option, a file) is likely to be."""


def non_empty(text: str) -> str:
    """An option's value that may not be empty: `--store "$LAKE"` with LAKE unset must not mean the default."""
    if not text.strip():
        raise argparse.ArgumentTypeError(IS_EMPTY)
    return text


class OneLineParser(argparse.ArgumentParser):
    """Bad usage is one line on stderr, like every other failure (argparse would print the usage first)."""

    def error(self, message: str):
        command = self.prog.removeprefix("wirelake").strip()
        self.exit(EXIT_USAGE, f"wirelake: error: {command + ': ' if command else ''}{message} (see --help)\n")


def port_number(text: str) -> int:
    """argparse type for a --port option: 0 (any free port) to 65535, refused as bad usage before binding.
    ASCII digits only: int() also reads other scripts' digits ('٣' is 3)."""
    if not (text.isascii() and text.isdecimal()) or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port (0 to 65535): {text!r}")
    return int(text)


class Stopped(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived. A KeyboardInterrupt, so every cleanup written for Ctrl-C
    (killing a crawl's Scrapy child, removing temporary files) also runs for a service
    manager's or `timeout`'s SIGTERM; the exit status is 128 + the signal's number, as shells report it."""

    def __init__(self, signal_number: int):
        super().__init__(signal.Signals(signal_number).name)
        self.exit_status = 128 + signal_number


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_received: list[int] = []  # the signal that stopped the running command, once one has
_held: list[int] = []  # a stop signal that came inside stops_held, raised when the block ends
_holding = [False]
_interrupts: list[Callable[[], object]] = []  # what a stop signal must end before Stopped is raised


def _raise_stopped(signal_number: int, _frame) -> None:
    """Raise Stopped, and ignore further stop signals: a second Ctrl-C or a supervisor's repeated
    SIGTERM would cut the cleanup short (a crawl's Scrapy child or a local Airflow left running).
    The cleanups are bounded; SIGKILL still ends everything. Inside stops_held, keep it for later."""
    _received.append(signal_number)
    for number in _STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    if _holding[0]:
        _held.append(signal_number)
        return
    for interrupt in _interrupts:
        interrupt()
    raise Stopped(signal_number)


@contextmanager
def interrupted_by_stops(interrupt: Callable[[], object]) -> Iterator[None]:
    """A block whose work runs outside Python, where Stopped cannot reach it: a stop signal calls
    interrupt before raising. DuckDB runs the handler inside a query but drops what it raises,
    so without connection.interrupt() the query goes on with further stop signals ignored."""
    _interrupts.append(interrupt)
    try:
        yield
    finally:
        _interrupts.remove(interrupt)


@contextmanager
def stops_held() -> Iterator[None]:
    """A block that a stop signal must not cut in two (the dedup claim and the corpus put that
    follows it): Ctrl-C or SIGTERM inside it raises Stopped once the block has ended. Signal
    handlers run in the main thread only: elsewhere the block holds nothing (the handler would
    return in the main thread while the block went on in its own)."""
    if _holding[0] or threading.current_thread() is not threading.main_thread():
        yield
        return
    _holding[0] = True
    try:
        yield
    finally:
        _holding[0] = False
        if _held:
            raise Stopped(_held.pop())


def stop_signal() -> int | None:
    """The signal that stopped the command, also when a library turned Stopped into an error of
    its own (DuckDB raises "Query interrupted")."""
    return _received[-1] if _received else None


def stop_on_signals() -> dict:
    """Make SIGINT and SIGTERM raise Stopped; the handlers they had, to restore.

    This also undoes an inherited "ignore SIGINT": a shell without job control starts
    background commands so, and Python then never raises KeyboardInterrupt. Only the main
    thread may set handlers; called from another thread it leaves the process's as they are."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    _received.clear()
    return {number: signal.signal(number, _raise_stopped) for number in _STOP_SIGNALS}


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """stop_on_signals for the block's duration: a command run in-process (tests, the demo's
    news web) leaves its caller's handlers as they were."""
    previous = stop_on_signals()
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
