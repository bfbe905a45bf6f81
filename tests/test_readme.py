"""README is the contract with ops and analysts: keep it true to the code."""

import re
from pathlib import Path

from pipeline.cli import build_parser
from pipeline.schema import markdown_table

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
CI_RUN = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make demo", "make test"]
    assert README.index("```sh") < README.index("\n## ")
    assert "\nmake test\n" in CI_RUN


def test_column_table_matches_the_schema():
    assert markdown_table() in README


def test_every_cli_command_is_documented():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # argparse keeps no public accessor
    for name in commands:
        assert f"`wirelake {name}" in README, name


def test_dedup_columns_are_documented():
    from pipeline.dedup.views import DEDUP_COLUMNS

    for name, dtype, meaning in DEDUP_COLUMNS:
        assert f"| `{name}` | {dtype} | {meaning} |" in README


def test_athena_ddl_declares_every_column_but_the_partition_ones():
    from pipeline.schema import COLUMNS

    ddl = README[README.index("CREATE EXTERNAL TABLE articles (") : README.index("PARTITIONED BY")]
    declared = re.findall(r"(\w+) (?:string|timestamp|date|int|boolean|array<\w+>|map<\w+,\w+>)", ddl)
    assert declared == [name for name, _, _ in COLUMNS if name != "source"]
