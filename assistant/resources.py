"""Files the package ships: prompts, the review app's pages, reference data, templates.

They are found one way, through :mod:`importlib.resources` from the installed ``assistant``
package, never through a path relative to a source file or to the checkout, so a
non-editable install drafts and serves from any directory. Nothing is read here.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


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
