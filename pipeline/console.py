"""What every wirelake command shares on the console: counts, one-line usage errors, --port,
stopping on Ctrl-C.

It imports nothing from the pipeline package, so workers that only extract (Scrapy, Airflow
tasks) can use it without loading the CLI or the fixture news web.
"""

from __future__ import annotations

import argparse
import signal
import threading

EXIT_USAGE = 2


def counted(n: int, noun: str) -> str:
    """'1 page', '2 pages': the counts every command prints."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


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


def stop_on_signals() -> dict:
    """Make SIGINT and SIGTERM raise KeyboardInterrupt, for a command that serves until stopped;
    the handlers they had, to restore.

    This also undoes an inherited "ignore SIGINT": a shell without job control starts
    background commands so, and Python then never raises KeyboardInterrupt. Only the main
    thread may set handlers; called from another thread it leaves the process's as they are."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {number: signal.signal(number, signal.default_int_handler) for number in (signal.SIGINT, signal.SIGTERM)}
