"""What the value rule gives back, shared by the kernel, the reference and the pages:
the columns of a ranking table, the :class:`Ranking` itself, and the two tests every part
of the rule makes of a claim (is it placed; what period does it state)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from valuation.registry import RANKABLE_STATUSES, ROLE_ORDER

# The role names as pandas infers a column of them (``str`` from pandas 3 on).
_ROLE_NAMES = pd.Series(list(ROLE_ORDER)).array

TABLE_COLUMNS = [
    "rank", "region_key", "region", "region_code", "province", "tier", "metric", "value",
    "unit", "approx", "mixed_periods", "period_start", "period_end", "n_claims", "n_figures",
    "n_documents", "conflicts",
]  # fmt: skip

# The columns of a claim the rule reads (the reads fetch only these to rank on the fly).
RULE_INPUTS = frozenset(
    {
        "claim_id", "article_id", "doc_id", "region_key", "region", "region_code", "province",
        "tier", "region_status", "year", "metric", "category", "value", "unit", "approx", "rate",
        "is_part", "period_start", "period_end", "suspect", "period_kind", "covers_start",
        "covers_end", "date",
    }
)  # fmt: skip
# Of those, the ones that place a claim in a 统计口径 and its years (``valuation.stored``
# groups by them at ingest); the value rule itself never reads them, so a ranking whose
# 口径 and years are applied in SQL leaves them out of its fetch (three of 24 columns
# scanned over every claim of a million, and one of them text).
SCOPE_INPUTS = frozenset({"period_kind", "covers_start", "covers_end"})


@dataclass(frozen=True)
class RoleCodes:
    """The roles of a ranking's claims as the kernel works them out: codes, made a frame
    only when read.

    A two-year ranking of a million-claim database gives 81,000 roles; making them a frame
    of text (and pickling it into the dashboard's cache) took a tenth of the ranking's
    time, for a table that is read only when a bar is clicked, and then for one region
    (:meth:`of_region`). ``claim_id`` and each ``by`` column are the claims' own values in
    group-major order; ``group`` indexes ``keys`` (each group's region key) and ``role``
    indexes ``ROLE_ORDER``.
    """

    claim_id: pd.Series
    group: np.ndarray
    keys: pd.Series
    role: np.ndarray
    by: tuple[tuple[str, pd.Series], ...] = ()

    def frame(self) -> pd.DataFrame:
        """claim_id, region_key, the ``by`` columns, role: one row per ranked claim."""
        return self._rows(np.arange(self.group.size))

    def of_region(self, region_key: str) -> pd.DataFrame:
        """:meth:`frame`'s rows of one region, in the same order."""
        groups = np.flatnonzero((self.keys == region_key).to_numpy(dtype=bool, na_value=False))
        return self._rows(np.flatnonzero(np.isin(self.group, groups)))

    def _rows(self, at: np.ndarray) -> pd.DataFrame:
        keys = self.keys.take(self.group[at]).reset_index(drop=True)
        if keys.dtype == object:  # typed as a key broadcast into each region's part would be
            keys = pd.Series(keys.tolist())
        return pd.DataFrame(
            {
                "claim_id": self.claim_id.take(at).reset_index(drop=True),
                "region_key": keys,
                **{name: column.take(at).reset_index(drop=True) for name, column in self.by},
                "role": _ROLE_NAMES.take(self.role[at].astype(np.intp)),
            }
        )


# Roles as the rule hands them over: a frame, or the kernel's codes made a frame on read.
HeldRoles = pd.DataFrame | RoleCodes


def frame_of(held: HeldRoles) -> pd.DataFrame:
    """Every row of ``held`` as a frame."""
    return held.frame() if isinstance(held, RoleCodes) else held


def region_rows(held: HeldRoles, region_key: str) -> pd.DataFrame:
    """The rows of ``held`` of one region (what a click on its bar or cell reads)."""
    if isinstance(held, RoleCodes):
        return held.of_region(region_key)
    return held[held["region_key"] == region_key].reset_index(drop=True)


@dataclass(frozen=True)
class Ranking:
    """The outcome of the rule for one metric.

    ``table``: one row per region (columns ``TABLE_COLUMNS``), sorted by value, largest
    first. ``roles``: claim_id → region_key, role for every claim of a ranked region; the
    claims behind a value (its evidence) are those whose role is counted or duplicate.
    ``n_unplaced``: claims left out because their region is unknown. The roles are held
    as given: a frame (``valuation.reference``) or the kernel's codes, made a frame when
    read.
    """

    table: pd.DataFrame
    held_roles: HeldRoles
    n_unplaced: int

    @property
    def roles(self) -> pd.DataFrame:
        return frame_of(self.held_roles)

    def region_roles(self, region_key: str) -> pd.DataFrame:
        """The roles of one region's claims (what a click on its bar reads)."""
        return region_rows(self.held_roles, region_key)


def placed_mask(claims: pd.DataFrame) -> pd.Series:
    """True for claims whose region is known well enough to be ranked."""
    return claims["region"].notna() & claims["region_status"].isin(RANKABLE_STATUSES)


def trusted_mask(claims: pd.DataFrame) -> pd.Series:
    """True for claims the rule may use: not 可疑 (``suspect``: beyond a plausible bound).

    A frame without the column (or a claim with it missing) has no suspect claim; a value
    that is not finite (a database ingested before values were checked) is never trusted.
    """
    finite = pd.Series(np.isfinite(claims["value"].to_numpy(dtype=float)), index=claims.index)
    if "suspect" not in claims:
        return finite
    return finite & ~claims["suspect"].fillna(False).astype(bool)


def period_key(df: pd.DataFrame) -> pd.Series:
    """(start, end) as a hashable pair, with None for missing ends."""
    start, end = (_stated_ends(df[column]) for column in ("period_start", "period_end"))
    return pd.Series(list(zip(start, end, strict=True)), index=df.index, dtype="object")


def _stated_ends(column: pd.Series) -> list:
    """The column's values as Python objects, None where missing: read as one list (a
    chart's labels and its table each ask for the periods of every bar)."""
    return missing_as_none(column.astype("object").tolist())


def missing_as_none(values: list) -> list:
    """``values`` with every missing one (None, NA, NaN) as None."""
    return [
        None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v for v in values
    ]
