"""Medicine classes: the class whose archive answer speaks of a medicine, where the archive
has no answer on that medicine itself (``drug_classes.toml``, reviewed by hand)::

    medicine_classes().class_of("Lexapro")   # "Antidepressants"
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistant.knowledge.lexicon import Lexicon, lexicon
from assistant.resources import packaged

CLASSES_FILE = packaged("knowledge", "data", "drug_classes.toml")


@dataclass(frozen=True)
class Kind:
    """A kind of medicine a class's answer speaks of apart: its class, the names the
    answers use for it, and its medicines (generic names, lower case)."""

    group: str
    names: tuple[str, ...]
    medicines: frozenset[str]


class MedicineClasses:
    """Each medicine's class, by the medicine's generic name, and the kinds within classes."""

    def __init__(
        self,
        classes: Mapping[str, Sequence[str]],
        names: Lexicon,
        kinds: Mapping[str, Mapping[str, object]] | None = None,
    ) -> None:
        self._names = names
        self.classes = frozenset(classes)  # "Pain Relievers", as the archive names them
        self._class: dict[str, str] = {}
        for name, members in classes.items():
            for member in members:
                key = self._key(name, member)
                if self._class.get(key, name) != name:
                    raise ValueError(f"{member!r} is in {self._class[key]!r} and in {name!r}")
                self._class[key] = name
        self._kinds: list[Kind] = []
        for kind, spec in (kinds or {}).items():
            group, said, medicines = spec.get("class"), spec.get("names"), spec.get("medicines")
            if (
                group not in classes
                or not isinstance(said, list)
                or not isinstance(medicines, list)
            ):
                raise ValueError(f"kind {kind!r}: needs a class of the file, names and medicines")
            keys = frozenset(self._key(kind, str(m)) for m in medicines)
            # (a medicine in no class may be of a kind: aspirin is an NSAID)
            if strays := sorted(k for k in keys if self._class.get(k, group) != group):
                raise ValueError(f"kind {kind!r}: {', '.join(strays)} not in {group!r}")
            self._kinds.append(Kind(str(group), tuple(str(n) for n in said), keys))

    def _key(self, where: str, medicine: str) -> str:
        concept = self._names.concept(medicine)
        if concept is None or concept.kind != "drug":
            raise ValueError(f"{where}: {medicine!r} is no medicine the lexicon knows")
        return concept.name.lower()

    @classmethod
    def load(cls, path: Path = CLASSES_FILE, names: Lexicon | None = None) -> MedicineClasses:
        """Read the classes from a TOML file (the package's own by default; see its header)."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            classes, kinds = data["classes"], data.get("kinds", {})
            return cls(
                {str(k): [str(m) for m in v] for k, v in classes.items()},
                names or lexicon(),
                {str(k): dict(v) for k, v in kinds.items()},
            )
        except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: {exc}; fix the file (see its header)") from exc

    def class_of(self, medicine: str) -> str | None:
        """The class of ``medicine`` (any of its names: "Zoloft", "sertraline"); None for a
        medicine in no class of the file. A combination is in the class its parts share, where
        the file names at least one of them and no two differ: "Augmentin" (amoxicillin and
        clavulanic acid) is an antibiotic, "Excedrin" (aspirin, acetaminophen, caffeine) a pain
        reliever."""
        concept = self._names.concept(medicine)
        if concept is None or concept.kind != "drug":
            return None
        own = self._class.get(concept.name.lower())
        parts = {self._class.get(p.lower()) for p in self._names.ingredients(medicine)} - {None}
        return own or (parts.pop() if len(parts) == 1 else None)

    def other_kinds(self, medicine: str) -> tuple[str, ...]:
        """The names of the kinds of ``medicine``'s class that it is not (for a combination:
        that none of its parts is): ("narcotics", "opioids", …) for ibuprofen."""
        group = self.class_of(medicine)
        mine = self._generic(medicine)
        return tuple(
            n for k in self._kinds if k.group == group and not (mine & k.medicines) for n in k.names
        )

    def own_kinds(self, medicine: str) -> tuple[str, ...]:
        """The names of the kinds ``medicine`` (or a part of it) is: ("NSAID", …) for
        ibuprofen."""
        mine = self._generic(medicine)
        return tuple(n for k in self._kinds if mine & k.medicines for n in k.names)

    def _generic(self, medicine: str) -> set[str]:
        concept = self._names.concept(medicine)
        if concept is None:
            return set()
        return {concept.name.lower(), *(p.lower() for p in self._names.ingredients(medicine))}


@cache
def medicine_classes() -> MedicineClasses:
    """The package's medicine classes, loaded on first use and shared."""
    return MedicineClasses.load()
