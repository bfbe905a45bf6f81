"""The machine a benchmark ran on, written beside its numbers. This machine is shared and
noisy: compare the ratios one run measured, never numbers across runs or machines."""

from __future__ import annotations

import os
import platform
from importlib.metadata import version
from pathlib import Path


def cpu_model() -> str:
    """/proc/cpuinfo names the CPU on Linux; platform.processor() is often empty there."""
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return names[0] if names else platform.processor() or "unknown"


def machine(libraries: tuple[str, ...] = ()) -> dict:
    return {
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],  # the machine may be shared
        "platform": platform.platform(),
        "python": platform.python_version(),
        "libraries": {name: version(name) for name in libraries},
    }


def describe(info: dict) -> str:
    """One line for a benchmark's printed report."""
    return f"machine: {info['cpu_model']}, {info['cores']} cores ({info['cores_usable']} usable), load average {info['load_average_at_start']} at start"
