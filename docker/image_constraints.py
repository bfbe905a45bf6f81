"""Constraints for installing wirelake into the official Airflow image without moving it.

    python image_constraints.py constraints.txt > /tmp/constraints.txt   (inside the image)

Every distribution the image already has is pinned to the version it has, so pip
cannot upgrade what the image's Airflow and providers were built and tested with;
everything else (Scrapy, trafilatura, ...) is pinned by the project's constraints.txt.
pip offers no option for "keep installed versions", hence this merge.
"""

from __future__ import annotations

import sys
from importlib.metadata import distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def merged(project_constraints: list[str], installed: dict[str, str]) -> list[str]:
    """installed maps canonical names to versions; project lines naming one of them are dropped."""
    lines = [f"{name}=={version}" for name, version in sorted(installed.items())]
    for line in project_constraints:
        text = line.split("#", 1)[0].strip()
        if text and canonicalize_name(Requirement(text).name) not in installed:
            lines.append(text)
    return lines


def main(argv: list[str]) -> int:
    installed = {canonicalize_name(dist.metadata["Name"]): dist.version for dist in distributions()}
    print("\n".join(merged(Path(argv[0]).read_text().splitlines(), installed)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
