"""Static checks of docker/ (no Docker engine runs here): the compose file's images are
pinned, every service, volume and variable it refers to exists, and the Dockerfile
builds on the Airflow version the project pins, from files that exist, without moving
the image's own packages. The store probe that compose's init runs is run for real."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from pipeline.store import open_store

REPO = Path(__file__).resolve().parent.parent
DOCKER = REPO / "docker"
COMPOSE_TEXT = (DOCKER / "docker-compose.yaml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error} or $NAME; "$$" is a literal dollar.
VARIABLE = re.compile(r"(?<!\$)\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<modifier>:?[-?+][^}]*)?\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))")


def env_file() -> dict[str, str]:
    """docker/.env, which compose reads from the compose file's directory."""
    pairs = {}
    for line in (DOCKER / ".env").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def variables_used() -> dict[str, bool]:
    """Each variable the compose file interpolates, and whether it carries its own default."""
    used: dict[str, bool] = {}
    for match in VARIABLE.finditer(COMPOSE_TEXT.replace("$$", "")):
        name = match["braced"] or match["bare"]
        used[name] = used.get(name, False) or (match["modifier"] or "").lstrip(":").startswith("-")
    return used


def interpolate(text: str) -> str:
    values = env_file()
    return VARIABLE.sub(lambda m: values[m["braced"] or m["bare"]], text.replace("$$", "\0")).replace("\0", "$")


def strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in strings(value)]
    return [node] if isinstance(node, str) else []


def test_every_variable_used_is_defined_and_every_definition_used():
    used = variables_used()
    defined = env_file()
    assert sorted(name for name, has_default in used.items() if not has_default and name not in defined) == []
    assert sorted(set(defined) - set(used)) == []


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_image_is_pinned(name):
    service = SERVICES[name]
    assert "image" in service, f"service {name} has no image"
    image = interpolate(service["image"])
    repository, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
    assert tag and tag != "latest" and re.search(r"\d", tag), f"service {name}: image {image!r} is not pinned to a version"
    assert "@" not in image or re.search(r"@sha256:[0-9a-f]{64}$", image)


def test_s3_server_honours_conditional_writes_and_init_probes_it():
    """SeaweedFS before 4.18 ignored If-None-Match: * (or raced on it), which dedup commits rely on."""
    repository, _, tag = SERVICES["s3"]["image"].rpartition(":")
    assert repository == "chrislusf/seaweedfs"
    assert tuple(int(part) for part in tag.split(".")) >= (4, 18)
    init = " ".join(SERVICES["airflow-init"]["command"])
    assert init.index("python -m pipeline.orchestration.store_probe") < init.index("airflow db migrate")


def test_every_healthy_condition_targets_a_service_with_a_healthcheck():
    for name, service in SERVICES.items():
        depends = service.get("depends_on") or {}
        for target, how in (depends.items() if isinstance(depends, dict) else []):
            if how.get("condition") == "service_healthy":
                assert "healthcheck" in SERVICES[target], f"service {name} waits for {target} to be healthy, which has no healthcheck"


def test_worker_replicas_name_their_celery_nodes_uniquely():
    """Replicas share the news web's network namespace and so its hostname: -H needs a per-container part."""
    command = " ".join(SERVICES["airflow-worker"]["command"])
    assert re.search(r'airflow celery worker .*-H "worker-\$\$\(cat /proc/sys/kernel/random/uuid\)@%h"', command)


def test_services_referenced_exist():
    for name, service in SERVICES.items():
        referenced = set(service.get("depends_on") or [])
        mode = service.get("network_mode", "")
        if mode.startswith("service:"):
            referenced.add(mode.removeprefix("service:"))
        assert referenced <= set(SERVICES), f"service {name} refers to {sorted(referenced - set(SERVICES))}"


def test_hosts_in_urls_are_services():
    for name, service in SERVICES.items():
        for text in strings(service.get("environment", {})):
            for url in re.findall(r"[a-z][a-z0-9+]*://[^\s\"']+", interpolate(text)):
                host = urlsplit(url).hostname
                if host and not url.startswith("s3://"):
                    assert host in SERVICES or host == "localhost", f"service {name}: {url} names no service"


def test_named_volumes_are_declared():
    declared = set(COMPOSE.get("volumes") or {})
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"service {name}: volume {source!r} is not declared"


def test_one_shots_run_before_what_needs_them():
    airflow = [name for name, s in SERVICES.items() if name.startswith("airflow-") and name != "airflow-init"]
    for name in airflow:
        assert SERVICES[name]["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"
    assert SERVICES["airflow-init"]["depends_on"]["create-bucket"]["condition"] == "service_completed_successfully"
    assert SERVICES["airflow-worker"]["network_mode"] == "service:newsweb"
    assert {s["environment"]["AIRFLOW__CORE__EXECUTOR"] for n, s in SERVICES.items() if n in airflow} == {"CeleryExecutor"}


def test_python_modules_run_by_compose_exist():
    for module in re.findall(r"python -m ([\w.]+)", COMPOSE_TEXT):
        assert importlib.util.find_spec(module) is not None, module


def test_dockerfile_extends_the_pinned_airflow_with_the_package_and_constraints():
    dockerfile = (DOCKER / "Dockerfile").read_text()
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    [airflow_pin] = [d for d in pyproject["project"]["optional-dependencies"]["airflow"] if d.startswith("apache-airflow==")]
    version = airflow_pin.removeprefix("apache-airflow==")
    assert re.search(rf"^FROM apache/airflow:{re.escape(version)}-python3\.11$", dockerfile, re.M)
    assert "image_constraints.py /opt/wirelake/constraints.txt > /tmp/constraints.txt" in dockerfile
    assert "--constraint /tmp/constraints.txt" in dockerfile
    assert "&& pip check" in dockerfile
    for line in re.findall(r"^COPY (.+)$", dockerfile, re.M):
        *sources, _target = [part for part in line.split() if not part.startswith("--")]
        for source in sources:
            assert (REPO / source).exists(), f"Dockerfile copies {source}, which is not in the repository"
    constraints = (REPO / "constraints.txt").read_text().splitlines()
    assert f"apache-airflow=={version}" in constraints


def test_image_constraints_keep_the_image_versions_and_pin_the_rest_from_the_project():
    spec = importlib.util.spec_from_file_location("image_constraints", DOCKER / "image_constraints.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    project = ["# pinned by the project", "requests==2.99.0", "Scrapy==2.19.0  # crawl", "typing_extensions==4.0.0", ""]
    installed = {"requests": "2.32.3", "typing-extensions": "4.12.2", "apache-airflow": "3.3.2"}
    assert module.merged(project, installed) == [
        "apache-airflow==3.3.2",
        "requests==2.32.3",
        "typing-extensions==4.12.2",
        "Scrapy==2.19.0",
    ]


def test_dockerignore_keeps_local_state_out_of_the_build_context_but_not_what_is_copied():
    ignored = {line.strip() for line in (REPO / ".dockerignore").read_text().splitlines() if line.strip() and not line.startswith("#")}
    assert {".git", ".venv", "lake", ".airflow", "benchmarks/results"} <= ignored
    for line in re.findall(r"^COPY (.+)$", (DOCKER / "Dockerfile").read_text(), re.M):
        *sources, _target = [part for part in line.split() if not part.startswith("--")]
        assert not set(sources) & ignored


def test_store_probe_passes_on_stores_that_honour_create_only_writes(store_uri, monkeypatch, capsys):
    """Run as compose's init runs it: the store from WIRELAKE_STORE (moto's S3 server or a directory)."""
    from pipeline.orchestration import store_probe

    monkeypatch.setenv("WIRELAKE_STORE", store_uri)
    monkeypatch.delenv("AIRFLOW_CONN_WIRELAKE_S3", raising=False)
    assert store_probe.main() == 0
    assert capsys.readouterr().out.strip().endswith("refuses a second create-only write of a key: OK")
    assert open_store(store_uri).list(store_probe.PROBE_PREFIX) == []  # it cleans up after itself


def test_store_probe_help_describes_it_without_probing(tmp_path, monkeypatch, capsys):
    from pipeline.orchestration import store_probe

    monkeypatch.setenv("WIRELAKE_STORE", str(tmp_path / "lake"))
    with pytest.raises(SystemExit) as exited:
        store_probe.main(["--help"])
    assert exited.value.code == 0 and "create-only write" in capsys.readouterr().out
    assert not (tmp_path / "lake").exists()


def test_store_probe_fails_loudly_on_a_server_that_ignores_if_none_match(tmp_path):
    """What SeaweedFS before 3.97 did: every conditional PUT succeeds and overwrites."""
    from pipeline.orchestration.store_probe import ProbeFailed, probe_create_only
    from pipeline.store import LocalStore

    class IgnoresConditions(LocalStore):
        def put_bytes_if_absent(self, key: str, data: bytes) -> bool:
            self.put_bytes(key, data)
            return True

    with pytest.raises(ProbeFailed, match=r"a second create-only write \(If-None-Match: \*\) succeeded"):
        probe_create_only(IgnoresConditions(tmp_path))
