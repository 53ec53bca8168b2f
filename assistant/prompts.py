"""Prompts are files: ``prompts/NAME.toml`` with a name, a version, the variables it
declares, and its text. Loading checks that the text uses exactly the declared variables,
so a typo fails at load time, not as a silently empty slot in front of a patient.

Chat prompts have ``system`` and ``user`` texts (rendered by langchain's
``ChatPromptTemplate``, f-string syntax); text collections (the composer's connecting
wording) have a ``[text]`` table of named strings.

Data enters a prompt one way, when it is rendered (:meth:`Prompt.messages`): every value is
passed through :func:`as_data`, so that a patient's question, an archived answer or a model's
reply can neither close nor open the prompt's tags (``</source>``, ``<statement>``), and no
caller can forget it. Only a :class:`Block` goes in as it is: text the code assembled around
data it already passed through ``as_data`` (the numbered sources in ``<source>`` tags, a plan,
the evidence), whose own tags are the prompt's.
"""

from __future__ import annotations

import hashlib
import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage
from langchain_core.prompt_values import ChatPromptValue
from langchain_core.prompts import ChatPromptTemplate

from assistant.resources import shipped

PROMPTS_DIR = shipped("prompts")


class PromptError(ValueError):
    """A prompt file is missing, malformed, or uses undeclared variables."""


class Block(str):
    """Prompt text the code assembled around data it already made inert with :func:`as_data`
    (sources in ``<source>`` tags, a plan, evidence): entered into the prompt as it is."""

    __slots__ = ()


def as_data(text: str) -> str:
    """Text from outside (patients, the archive, a model) with its angle brackets turned into
    look-alikes, so that it can neither close nor open a tag of the prompt."""
    return text.replace("<", "\u2039").replace(">", "\u203a")


def _entered(value: object) -> str:
    return value if isinstance(value, Block) else as_data(str(value))


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    variables: tuple[str, ...]
    path: Path
    digest: str
    system: str = ""
    user: str = ""
    text: dict[str, str] = field(default_factory=dict)

    def template(self) -> ChatPromptTemplate:
        return ChatPromptTemplate.from_messages([("system", self.system), ("human", self.user)])

    def messages(self, **values: Any) -> list[BaseMessage]:
        """The chat messages with every declared variable filled (and no other)."""
        given, declared = set(values), set(self.variables)
        if given != declared:
            raise PromptError(
                f"{self.path}: expects {sorted(declared)}, got {sorted(given)} "
                f"(missing {sorted(declared - given)}, unknown {sorted(given - declared)})"
            )
        return self.template().format_messages(**{k: _entered(v) for k, v in values.items()})

    def value(self, **values: Any) -> ChatPromptValue:
        """The messages as one prompt value, for a chat model's ``batch``."""
        return ChatPromptValue(messages=self.messages(**values))

    def fill(self, key: str, **values: Any) -> str:
        """One of the named texts, filled."""
        try:
            return self.text[key].format(**values)
        except KeyError as exc:
            raise PromptError(f"{self.path}: text {key!r} needs {exc}") from None


def load_prompt(name: str, directory: Path = PROMPTS_DIR) -> Prompt:
    path = directory / f"{name}.toml"
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise PromptError(f"{path}: no such prompt file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PromptError(f"{path}: not valid TOML: {exc}") from None
    for key in ("name", "version", "variables"):
        if key not in data:
            raise PromptError(f"{path}: missing the {key!r} field")
    prompt = Prompt(
        name=str(data["name"]),
        version=str(data["version"]),
        variables=tuple(data["variables"]),
        path=path,
        digest=hashlib.sha256(raw).hexdigest()[:12],
        system=str(data.get("system", "")),
        user=str(data.get("user", "")),
        text={str(k): str(v) for k, v in data.get("text", {}).items()},
    )
    _check_variables(prompt)
    return prompt


def _check_variables(prompt: Prompt) -> None:
    declared = set(prompt.variables)
    if prompt.system or prompt.user:
        used = set(prompt.template().input_variables)
        if used != declared:
            raise PromptError(
                f"{prompt.path}: the text uses {sorted(used)} but declares {sorted(declared)}"
            )
    for key, text in prompt.text.items():
        used = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        if not used <= declared:
            raise PromptError(
                f"{prompt.path}: text {key!r} uses undeclared {sorted(used - declared)}"
            )
