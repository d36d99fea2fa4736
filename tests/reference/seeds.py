"""The dbt seeds the reference reads: FX rates, calling codes, bot signatures."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"


@dataclass(frozen=True)
class CallingCode:
    calling_code: str
    trunk_prefix: str
    national_number_digits: int | None


@dataclass(frozen=True)
class Seeds:
    fx_rates: dict[tuple[str, date], Fraction]
    calling_codes: dict[str, CallingCode]
    bot_patterns: tuple[str, ...]

    def is_bot(self, user_agent: str | None) -> bool:
        if not user_agent:
            return False
        lowered = user_agent.lower()
        return any(p in lowered for p in self.bot_patterns)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def load_seeds(seeds_dir: Path = SEEDS_DIR) -> Seeds:
    fx = {
        (r["currency"].strip().upper(), date.fromisoformat(r["month"].strip())): Fraction(r["rate_to_eur"].strip())
        for r in _rows(seeds_dir / "fx_rates.csv")
    }
    codes = {
        r["country"].strip().upper(): CallingCode(
            calling_code=r["calling_code"].strip(),
            trunk_prefix=(r.get("trunk_prefix") or "").strip(),
            national_number_digits=int(r["national_number_digits"])
            if (r.get("national_number_digits") or "").strip()
            else None,
        )
        for r in _rows(seeds_dir / "country_calling_codes.csv")
    }
    patterns = tuple(
        r["pattern"].strip().lower() for r in _rows(seeds_dir / "bot_user_agent_patterns.csv") if r["pattern"].strip()
    )
    return Seeds(fx_rates=fx, calling_codes=codes, bot_patterns=patterns)
