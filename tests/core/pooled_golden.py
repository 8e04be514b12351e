"""A fixed, seeded year of findings rated under a rulebook, reduced to one SHA-256: the pooled reading's fingerprint.

The digests in tests/core/test_town_reading.py were computed with this module on the engine as it was before the
per-town reading existed, so the test proves the rulebooks of the tests still rate exactly as they did.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from core.rating import rate
from core.rulebook import Rulebook
from core.schema import FINDINGS_COLUMNS
from tests.builders import credit_code

TOWNS = ("澄江街道", "南闸街道", "璜土镇", "华士镇", "周庄镇")


def year_of_findings(rulebook: Rulebook, count: int = 3000, agencies: int = 60, seed: int = 26) -> pd.DataFrame:
    """`count` findings over `agencies` agencies, every clause, town and period of `rulebook`, dated in 2025."""
    rng = np.random.default_rng(seed)
    town_bucket, bureau_bucket = rulebook.bucket_for("town"), rulebook.bucket_for("bureau")
    rows = []
    for i in range(count):
        bureau = rng.random() < 0.2
        bucket = bureau_bucket if bureau else town_bucket
        period = bucket.periods[rng.integers(len(bucket.periods))]
        first, last = period.window(2025)
        day = first + pd.Timedelta(days=int(rng.integers((last - first).days + 1)))
        clause = rulebook.clauses[rng.integers(len(rulebook.clauses))]
        rows.append({"row": i + 2, "credit_code": credit_code(int(rng.integers(agencies))), "agency_name": f"机构{i % 7}",
                     "clause": clause.code, "assessor": "bureau" if bureau else TOWNS[rng.integers(len(TOWNS))],
                     "period": period.key, "date": pd.Timestamp(day), "year": 2025, "practitioner": "",
                     "description": "", "document_no": ""})
    frame = pd.DataFrame(rows, columns=list(FINDINGS_COLUMNS))
    return frame.astype({"row": "int64", "year": "int64", "date": "datetime64[ns]"})


def fingerprint(rulebook: Rulebook, **rate_args) -> str:
    """SHA-256 of the rating table and the explanation of `year_of_findings(rulebook)` as CSV."""
    rating = rate(year_of_findings(rulebook), year=2025, rulebook=rulebook, **rate_args)
    text = rating.table.to_csv(index=False) + rating.explanation.to_csv(index=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
