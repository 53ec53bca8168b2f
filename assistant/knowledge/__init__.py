"""Medical vocabulary at the ground floor: lay, brand and medical names, abbreviations.

``lexicon()`` returns the shared ``Lexicon`` (loaded on first use, no I/O at import)::

    from assistant.knowledge import lexicon

    lexicon().canonical("Lexapro")                      # "escitalopram"
    lexicon().with_plain_name("myocardial infarction")  # "myocardial infarction (heart attack)"
    lexicon().find("I had a heart attack on Lexapro")   # [Mention(...), Mention(...)]
"""

from assistant.knowledge.lexicon import Concept, Lexicon, Mention, lexicon

__all__ = ["Concept", "Lexicon", "Mention", "lexicon"]
