"""State codes from the maintained ``countrycode`` package, never typed by hand."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import countrycode


@dataclass(frozen=True)
class StateCodes:
    alpha2: str
    alpha3: str
    name: str
    cow: int | None
    gw: int | None


@cache
def _column(destination: str) -> dict[str, object]:
    """One destination column of the package's code list, by ISO alpha-2 code.
    (Calling countrycode() once per code re-reads its list each time: seconds per load.)"""
    table = countrycode.codelist
    return {code: value for code, value in zip(table["iso2c"], table[destination]) if code}


def _one(code: str, destination: str):
    value = _column(destination).get(code)
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    return value


@cache
def state_codes(alpha2: str) -> StateCodes | None:
    """Codes for an ISO 3166-1 alpha-2 code, or None if the package does not know it."""
    alpha3 = _one(alpha2, "iso3c")
    if alpha3 is None:
        return None
    cow = _one(alpha2, "cown")
    gw = _one(alpha2, "gwn")
    return StateCodes(
        alpha2=alpha2,
        alpha3=str(alpha3),
        name=str(_one(alpha2, "country.name.en") or alpha2),
        cow=int(cow) if cow is not None else None,
        gw=int(gw) if gw is not None else None,
    )
