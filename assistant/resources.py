"""Files the package reads at run time: prompts, the review app's pages, reference data,
templates.

They are found one way, through :mod:`importlib.resources` from the ``assistant`` package,
never through a path relative to a source file, so a non-editable install drafts and serves
from any directory. Two kinds:

- :func:`packaged`: files that live inside the package (templates, migrations, tokenizer).
- :func:`shipped`: the repository's top-level ``prompts/``, ``ui/``, ``eval/`` and the K-QA
  files in ``data/``. They stay at the top level of the checkout (the layout shows the
  architecture); a wheel carries copies of them under ``assistant/_shipped/``
  (``[tool.setuptools.package-dir]`` in pyproject.toml). An installed package reads those
  copies; a source checkout or an editable install reads the checkout's own folders.

Nothing is read here.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SHIPPED = "_shipped"  # the folder inside an installed package that holds the top-level copies


class ResourceError(RuntimeError):
    """A packaged file is not on the file system (say, a zipped install)."""


def packaged(*parts: str) -> Path:
    """The packaged file or folder ``assistant/<parts...>`` as a path on disk.

    Streamlit, Alembic and the tokenizer open files by name, so the package must be installed
    as files (as pip does), not run from a zip archive.
    """
    resource = files("assistant").joinpath(*parts)
    if not isinstance(resource, Path):
        raise ResourceError(
            f"assistant/{'/'.join(parts)} is not a file on disk ({resource!r}): install the "
            "package with pip (as files), not as a zip archive."
        )
    return resource


def project_root() -> Path:
    """The folder that holds ``prompts/``, ``ui/``, ``eval/`` and ``data/``: the installed
    package's ``assistant/_shipped/``, or else (a checkout, an editable install) the checkout."""
    package = packaged()
    inside = package / SHIPPED
    return inside if inside.is_dir() else package.parent


def shipped(*parts: str) -> Path:
    """The file or folder ``<parts...>`` of the repository's top level (``prompts``, ``ui``,
    ``eval``, ``data``), as installed or in the checkout; see the module's docstring.

    The path may not exist (a file the wheel does not carry, like MedQuAD): whoever opens it
    reports it by name.
    """
    return project_root().joinpath(*parts)


def shown(path: Path) -> str:
    """A file of the repository's top level as the path relative to it (``data/x.jsonl``),
    the same in a checkout and an install; any other path as it is."""
    root = project_root()
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
