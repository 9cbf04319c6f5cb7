"""The package itself: a light import, the import rules between the teaching modules and the
toolchain, and one list of dependencies for pip and conda."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import tomllib
import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def test_import_is_light():
    code = (
        "import sys, lecturekit\n"
        "heavy = sorted(m for m in ('torch', 'torchvision', 'matplotlib', 'numpy') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"import lecturekit imported {result.stdout.strip()}"


TOOLCHAIN = "lecturekit.toolchain"


def _is_toolchain(module: str) -> bool:
    return module == TOOLCHAIN or module.startswith(TOOLCHAIN + ".")


def toolchain_imports(source: str, package: str = "") -> list[str]:
    """Every import of lecturekit.toolchain in ``source``, anywhere (functions included):
    ``import``, ``from ... import`` (relative ones resolved against ``package``),
    ``importlib.import_module``/``__import__`` with a literal name, and ``lk.toolchain``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if _is_toolchain(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            found += [f"{base}.{alias.name}" for alias in node.names
                      if _is_toolchain(base) or _is_toolchain(f"{base}.{alias.name}")]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in ("import_module", "__import__") and _is_toolchain(str(node.args[0].value)):
                found.append(str(node.args[0].value))
        elif isinstance(node, ast.Attribute) and node.attr == "toolchain":
            found.append(ast.unparse(node))
    return found


def _code_cells(path: Path) -> str:
    """The code cells of a notebook as one Python source, IPython magics and shell lines blanked."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    sources = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    lines = "\n".join(sources).splitlines()
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def test_the_import_rule_check_finds_every_kind_of_import():
    source = """
import lecturekit.toolchain
from lecturekit import toolchain
from lecturekit.toolchain.build import build
def later():
    from .toolchain import notebooks
    from . import toolchain
    importlib.import_module("lecturekit.toolchain.figures")
lk.toolchain.cli
import lecturekit.toolchainish, lecturekit.data
from lecturekit import data
"""
    assert sorted(toolchain_imports(source, package="lecturekit")) == [
        "lecturekit.toolchain", "lecturekit.toolchain", "lecturekit.toolchain",
        "lecturekit.toolchain.build.build", "lecturekit.toolchain.figures", "lecturekit.toolchain.notebooks",
        "lk.toolchain"]


def test_teaching_modules_and_notebooks_never_import_the_toolchain():
    import lecturekit

    teaching = [path for path in sorted((ROOT / "lecturekit").glob("*.py")) if path.name != "__main__.py"]
    exercises = sorted((ROOT / "lecturekit" / "exercises").glob("*.py"))
    missing = set(lecturekit._SUBMODULES) - {path.stem for path in teaching} - {"exercises"}
    assert not missing, f"teaching modules left out of the scan: {sorted(missing)}"
    offenders = {path.name: toolchain_imports(path.read_text(encoding="utf-8"), package="lecturekit")
                 for path in teaching}
    offenders.update({f"exercises/{path.name}": toolchain_imports(path.read_text(encoding="utf-8"),
                                                                  package="lecturekit.exercises")
                      for path in exercises})
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    offenders.update({path.name: toolchain_imports(_code_cells(path)) for path in notebooks})
    offenders = {name: found for name, found in offenders.items() if found}
    assert not offenders, f"teaching code imports {TOOLCHAIN}: {offenders}"


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
    activated = re.findall(r"conda activate (\S+)", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert activated and set(activated) == {env["name"]}, (
        f"README activates {activated}, environment.yml creates {env['name']!r}")
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip_lists = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    pythons = [re.fullmatch(r"python=(\d+\.\d+)", d) for d in conda if _name(d) == "python"]
    assert len(pythons) == 1 and pythons[0], f"environment.yml must pin one python=X.Y, got {conda}"
    assert Version(pythons[0].group(1)) in SpecifierSet(project["requires-python"]), (
        f"conda installs python {pythons[0].group(1)}, pyproject requires {project['requires-python']}")
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
    packages = {p.parent.name for p in (ROOT / "lecturekit").glob("*/__init__.py")} - {"toolchain"}
    assert modules | packages == set(lecturekit._SUBMODULES)
