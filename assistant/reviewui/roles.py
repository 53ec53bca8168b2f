"""What each role may do on the review page: the store's own role table
(``assistant.review.views``), which the store enforces; the page only hides what would be
refused."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.review.views import EDITORS, PHYSICIANS, Role


@dataclass(frozen=True)
class Permissions:
    edit: bool  # save, regenerate, reopen, add questions
    decide: bool  # approve and reject


def permissions(role: Role) -> Permissions:
    return Permissions(
        edit=role in EDITORS,
        decide=role in PHYSICIANS,
    )
