"""Large cases built the same way every run (fixed seed), and the naive TinyDB twin."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.vocabulary import KINDS, LEVELS, RATINGS

SEED = 6
CASE_ID = "bench"
HYPOTHESES = 6
WORDS = [
    "talks",
    "draft",
    "treaty",
    "ceasefire",
    "guarantees",
    "neutrality",
    "corridor",
    "envoy",
    "minister",
    "statement",
    "offensive",
    "withdrawal",
    "sanctions",
    "summit",
    "delegation",
    "memo",
    "report",
    "interview",
    "leak",
    "security",
    "border",
    "referendum",
    "negotiator",
    "proposal",
    "counteroffensive",
    "briefing",
    "officials",
    "cable",
]
TAGS = ("istanbul", "guarantees", "battlefield", "west", "kremlin", "kyiv", "bucha", "nato")


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def evidence_item(rng: random.Random, k: int, hids: list[str]) -> Evidence:
    """One plausible, fully rated item (~450 bytes as JSON)."""
    day = date(2022, 2, 24) + timedelta(days=rng.randrange(400))
    return Evidence(
        id=f"E{k}",
        title=_sentence(rng, 6),
        details=_sentence(rng, 12) + ".",
        source=rng.choice(("Foreign Affairs", "Reuters", "Ukrainska Pravda", "TASS", "Interview")),
        url=f"https://example.org/item/{k}" if rng.random() < 0.5 else None,
        event_date=day,
        reported_date=day + timedelta(days=rng.randrange(30)),
        tags=rng.sample(TAGS, rng.randrange(0, 3)),
        credibility=rng.choice(LEVELS),
        relevance=rng.choice(LEVELS),
        admiralty=rng.choice("ABCDEF") + rng.choice("123456") if rng.random() < 0.3 else None,
        kind=rng.choice(KINDS),
        ratings={h: rng.choice(RATINGS) for h in hids},
    )


def big_case(n: int, seed: int = SEED) -> Case:
    """``n`` evidence × 6 hypotheses, every cell rated; the same case for the same n and seed."""
    rng = random.Random(seed)
    hyps = [
        Hypothesis(id=f"H{j}", title=f"Explanation {j}: {_sentence(rng, 5)}")
        for j in range(1, HYPOTHESES + 1)
    ]
    hids = [h.id for h in hyps]
    evidence = [evidence_item(rng, k, hids) for k in range(1, n + 1)]
    return Case(
        id=CASE_ID,
        title=f"Benchmark case, {n} items",
        question="Which explanation survives?",
        hypotheses=hyps,
        evidence=evidence,
    )


def write_weigh_db(path: Path, case: Case) -> None:
    """A weigh database holding ``case``, compacted (no journal left)."""
    with Store.open(path) as store:
        store.put_case(case)


def naive_docs(case: Case) -> list[dict[str, Any]]:
    """The naive design: one TinyDB document per evidence item."""
    return [ev.model_dump(mode="json") for ev in case.evidence]
