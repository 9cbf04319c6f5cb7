"""The package itself: a light import, and one list of dependencies for pip and conda."""

import re
import subprocess
import sys
from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_import_is_light():
    code = (
        "import sys, lecturekit\n"
        "heavy = sorted(m for m in ('torch', 'torchvision', 'matplotlib', 'numpy') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"import lecturekit imported {result.stdout.strip()}"


def test_submodules_load_lazily():
    import lecturekit

    assert lecturekit.toydata.__name__ == "lecturekit.toydata"
    try:
        lecturekit.no_such_module  # noqa: B018
    except AttributeError as error:
        assert "no_such_module" in str(error)
    else:
        raise AssertionError("unknown attribute did not raise")


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_conda_route_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = set(project["optional-dependencies"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["name"] == "lecturekit"
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip_lists = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert any(d.startswith("python=3.11") for d in conda)
    assert "pip" in conda
    assert len(pip_lists) == 1, "environment.yml needs exactly one pip section"
    installs = [line for line in pip_lists[0] if re.match(r"^(-e\s+)?\.(\[|$)", line)]
    assert len(installs) == 1, "the pip section must install the project itself"
    installed_extras = set(re.findall(r"\[(.*)\]", installs[0])[0].split(","))
    assert installed_extras == extras, (
        f"conda route installs extras {sorted(installed_extras)}, pyproject has {sorted(extras)}"
    )
    # Anything else conda or pip installs there must be declared in pyproject too.
    declared = {_name(r) for r in project["dependencies"]}
    for group in project["optional-dependencies"].values():
        declared |= {_name(r) for r in group}
    declared |= {"python", "pip"}
    others = [_name(d) for d in conda] + [_name(d) for d in pip_lists[0] if d not in installs]
    undeclared = sorted(set(others) - declared)
    assert not undeclared, f"environment.yml installs {undeclared}, missing from pyproject.toml"


def test_every_topic_module_is_reachable_from_the_package():
    import lecturekit

    modules = {p.stem for p in (ROOT / "lecturekit").glob("*.py") if not p.stem.startswith("_")}
    assert modules == set(lecturekit._SUBMODULES)
