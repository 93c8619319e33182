"""environment.yml (conda users) pins the same versions as requirements.lock (make)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def lock_pins():
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def test_environment_yml_agrees_with_the_lock():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    pins = dict(entry.lower().split("==") for entry in pip_section if "==" in entry)
    lock = lock_pins()
    assert {"tensorflow", "jupyterlab", "papermill", "nbval", "pandas", "numpy"} <= set(pins)
    assert {name: lock.get(name) for name in pins} == pins
    assert "python=3.11" in environment["dependencies"]


def test_lock_pins_every_package_once():
    lines = [l for l in (ROOT / "requirements.lock").read_text().splitlines() if l and not l.startswith("#")]
    assert all("==" in l for l in lines)
    assert len({l.split("==")[0].lower() for l in lines}) == len(lines)
