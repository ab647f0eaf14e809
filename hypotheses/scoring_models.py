"""The registry of scoring models: everything a screen, report or the CLI needs to know
about a model, so none of them compares model names.

A model scores an item's rating with a per-code value (``values``), scaled by
the item's weight when ``weighted``, and divided by its same-fact group's size.
Adding a model is one entry here plus its tests.

hypotheses/README.md shows how the parts fit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal, NamedTuple

SQRT2 = math.sqrt(2)
LEVEL_WEIGHT: dict[str, float] = {"low": 1 / SQRT2, "medium": 1.0, "high": SQRT2}
INCONSISTENCY: dict[str, int] = {"I": -1, "II": -2}
LIKELIHOOD: dict[str, float] = {"CC": 4.0, "C": 2.0, "N": 1.0, "I": 0.5, "II": 0.25, "NA": 1.0}
LOG_LIKELIHOOD: dict[str, float] = {code: math.log(v) for code, v in LIKELIHOOD.items()}

ModelName = Literal["inconsistency", "weighted", "bayes"]


class ScoringModel(NamedTuple):
    """One scoring model: its terms, whether priors count, and how its scores read."""

    name: ModelName
    label: str  # "weighted inconsistency (PARC)"
    short: str  # "weighted": where room is tight
    abbr: str  # "wtd.": where it is tighter still (three models on one 80-column line)
    values: Mapping[str, float]  # rating code → s (or ln L); codes absent score 0
    weighted: bool  # term = (w / n) · s, else s / n
    uses_priors: bool  # scores start at ln(prior / Σ priors)
    exact: bool  # whole-number values, no weights: sums need no rounding care
    shows_posterior: bool  # people read the posterior (a share), not the raw score
    caveat: str  # what the reader must know; "" when nothing
    short_caveat: str  # the same where room is short (one screen line)
    # How far one item of medium weight rated I moves a score: the unit in which a
    # leader's margin is told ("leads by 2.3 items of medium weight").
    medium_item: float

    def term(self, w: float, n: int, code: str | None) -> float:
        """One item's contribution: weight ``w``, same-fact group of ``n`` taking part."""
        value = self.values.get(code, 0) if code is not None else 0
        if self.weighted:
            return (w / n) * value
        return value / n

    def format_score(self, value: float, width: int = 0) -> str:
        """The value people read (posterior for Bayes, else the score), right-aligned to ``width``."""
        if self.shows_posterior:
            return f"{value * 100:{width}.1f}%" if width else f"{value * 100:.1f}%"
        if self.exact and float(value).is_integer():
            return f"{value:{width + 1}.0f}" if width else f"{value:.0f}"
        return f"{value:{width + 1}.2f}" if width else f"{value:.2f}"

    def format_margin(self, margin: float) -> str:
        """A margin in score units (log-score units for Bayes)."""
        return f"{margin:.2f}" + (" in log score" if self.shows_posterior else "")

    def items(self, margin: float) -> float:
        """A margin as a number of medium-weight items rated I."""
        return margin / self.medium_item


BAYES_CAVEAT = (
    "The Bayes model assumes the hypotheses are mutually exclusive and exhaustive: "
    "its posteriors are only as good as that assumption."
)

SCORING_MODELS: tuple[ScoringModel, ...] = (
    ScoringModel(
        name="inconsistency",
        label="inconsistency (Heuer)",
        short="inconsistency",
        abbr="incons.",
        values={k: float(v) for k, v in INCONSISTENCY.items()},
        weighted=False,
        uses_priors=False,
        exact=True,
        shows_posterior=False,
        caveat="",
        short_caveat="",
        medium_item=1.0,
    ),
    ScoringModel(
        name="weighted",
        label="weighted inconsistency (PARC)",
        short="weighted",
        abbr="wtd.",
        values={k: float(v) for k, v in INCONSISTENCY.items()},
        weighted=True,
        uses_priors=False,
        exact=False,
        shows_posterior=False,
        caveat="",
        short_caveat="",
        medium_item=1.0,
    ),
    ScoringModel(
        name="bayes",
        label="Bayes (log-linear)",
        short="Bayes",
        abbr="Bayes",
        values=LOG_LIKELIHOOD,
        weighted=True,
        uses_priors=True,
        exact=False,
        shows_posterior=True,
        caveat=BAYES_CAVEAT,
        short_caveat="Posteriors assume the hypotheses are exclusive & exhaustive.",
        medium_item=math.log(2),
    ),
)
MODELS: tuple[ModelName, ...] = tuple(m.name for m in SCORING_MODELS)
_BY_NAME: dict[str, ScoringModel] = {m.name: m for m in SCORING_MODELS}
DEFAULT_MODEL: ModelName = "weighted"


def scoring_model(name: str) -> ScoringModel:
    """The model called ``name``; a clear error naming the choices otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"model: {name!r} is not one of {', '.join(MODELS)}") from None


def next_model(name: str) -> ModelName:
    """The model after ``name`` in the registry's order (what `m` cycles to)."""
    return MODELS[(MODELS.index(scoring_model(name).name) + 1) % len(MODELS)]
