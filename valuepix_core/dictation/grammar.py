"""Turn validated ``phrases`` into the grammar JSON libvosk takes, checked against the vocabulary.

libvosk segfaults or aborts on a grammar of ``[]``, on invalid JSON and on a JSON object, and
``SetGrammar`` mid-utterance aborts: so the grammar is only ever built here, from a non-empty list
of phrases whose every word the model knows, serialised by ``json.dumps``, and fixed when a
recognizer is created (never changed on a live one).
"""
from __future__ import annotations

import json

from ..errors import InvalidArgumentError

UNKNOWN_WORD = "[unk]"


def build_grammar(model, phrases: tuple[str, ...] | None, allow_unknown: bool = False) -> str | None:
    if phrases is None:
        return None
    if not phrases:
        raise InvalidArgumentError("phrases must not be empty")
    if not model.has_runtime_graph:
        raise InvalidArgumentError(
            f"phrases need a model with a runtime graph (graph/HCLr.fst + graph/Gr.fst); {model.path} "
            "has a static HCLG graph")
    missing = sorted({w for p in phrases for w in p.split() if not model.has_word(w)})
    if missing:
        shown = ", ".join(repr(w) for w in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        raise InvalidArgumentError(f"words not in the model's vocabulary: {shown}{more}")
    items = list(phrases)
    if allow_unknown:
        if not model.has_word(UNKNOWN_WORD):
            raise InvalidArgumentError(f"this model has no {UNKNOWN_WORD} word; allow_unknown is unavailable")
        items.append(UNKNOWN_WORD)
    grammar = json.dumps(items, ensure_ascii=False)
    assert grammar.startswith("[\"") and grammar.endswith("\"]")
    return grammar
