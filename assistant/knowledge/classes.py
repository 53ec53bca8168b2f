"""Medicine classes: the class whose archive answer speaks of a medicine, where the archive
has no answer on that medicine itself (``drug_classes.toml``, reviewed by hand)::

    medicine_classes().class_of("Lexapro")   # "Antidepressants"
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

from assistant.knowledge.lexicon import Lexicon, lexicon
from assistant.resources import packaged

CLASSES_FILE = packaged("knowledge", "data", "drug_classes.toml")


class MedicineClasses:
    """Each medicine's class, by the medicine's generic name."""

    def __init__(self, classes: Mapping[str, Sequence[str]], names: Lexicon) -> None:
        self._names = names
        self._class: dict[str, str] = {}
        for name, members in classes.items():
            for member in members:
                concept = names.concept(member)
                if concept is None or concept.kind != "drug":
                    raise ValueError(f"{name}: {member!r} is no medicine the lexicon knows")
                key = concept.name.lower()
                if self._class.get(key, name) != name:
                    raise ValueError(f"{member!r} is in {self._class[key]!r} and in {name!r}")
                self._class[key] = name

    @classmethod
    def load(cls, path: Path = CLASSES_FILE, names: Lexicon | None = None) -> MedicineClasses:
        """Read the classes from a TOML file (the package's own by default; see its header)."""
        try:
            classes = tomllib.loads(path.read_text(encoding="utf-8"))["classes"]
            return cls(
                {str(k): [str(m) for m in v] for k, v in classes.items()}, names or lexicon()
            )
        except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: {exc}; fix the file (see its header)") from exc

    def class_of(self, medicine: str) -> str | None:
        """The class of ``medicine`` (any of its names: "Zoloft", "sertraline"); None for a
        medicine in no class of the file."""
        concept = self._names.concept(medicine)
        if concept is None or concept.kind != "drug":
            return None
        return self._class.get(concept.name.lower())


@cache
def medicine_classes() -> MedicineClasses:
    """The package's medicine classes, loaded on first use and shared."""
    return MedicineClasses.load()
