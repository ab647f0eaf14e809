"""The workbench's filter language: words, ``#tag`` and ``=group``, parsed once per query."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from hypotheses.models import Evidence


def haystack_of(ev: Evidence) -> str:
    """The text a filter word is looked for in: id, title, details, source, kind."""
    return f"{ev.id} {ev.title} {ev.details} {ev.source} {ev.kind}".lower()


class Query(NamedTuple):
    """A filter, parsed once (not per item): every word must occur (any case) in the
    item's id, title, details, source or kind; every ``#tag`` must be one of its tags
    (a lone ``#``, a tag still being typed, asks nothing); every ``=group`` must be
    its same-fact group, and a lone ``=`` asks for items in any group."""

    words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    any_group: bool = False

    @classmethod
    def parse(cls, query: str) -> Query:
        words, tags, groups, any_group = [], [], [], False
        for token in query.lower().split():
            if token.startswith("#"):
                if len(token) > 1:
                    tags.append(token[1:])
            elif token.startswith("="):
                if len(token) > 1:
                    groups.append(token[1:])
                else:
                    any_group = True
            else:
                words.append(token)
        return cls(tuple(words), tuple(tags), tuple(groups), any_group)

    def test(self, ev: Evidence, haystack: str | None = None) -> bool:
        """Does ``ev`` match (``haystack``: its :func:`haystack_of`, if already made)?"""
        if any(tag not in ev.tags for tag in self.tags):
            return False
        if self.groups and any(group != ev.group for group in self.groups):
            return False
        if self.any_group and ev.group is None:
            return False
        if self.words:
            text = haystack_of(ev) if haystack is None else haystack
            return all(word in text for word in self.words)
        return True

    def narrows(self, other: Query) -> bool:
        """Every item this query shows, ``other`` shows too (typing one more character
        or word), so this one can be applied to ``other``'s result alone."""
        return (
            all(any(word in mine for mine in self.words) for word in other.words)
            and set(other.tags) <= set(self.tags)
            and set(other.groups) <= set(self.groups)
            and (not other.any_group or self.any_group or bool(self.groups))
        )


def matches(ev: Evidence, query: str, haystack: str | None = None) -> bool:
    """Does ``ev`` match the filter ``query`` (see :class:`Query`)?"""
    return Query.parse(query).test(ev, haystack)
