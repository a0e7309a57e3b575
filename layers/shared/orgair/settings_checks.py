"""The checks of `orgair.settings` that go beyond a field's own type and range: settings that would
otherwise only fail requests (sector baselines, provider URLs, table names) and development price
overrides. Each message names the setting, never its value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import urlsplit

from orgair.errors import ConfigurationError

SECTORS = (
    "technology",
    "financial_services",
    "healthcare",
    "business_services",
    "retail",
    "manufacturing",
    "other",
)
"""The specification's sectors (`orgair.scoring.Sector`, kept equal by a test): named here so that
checking SECTOR_HR_BASELINES at init does not load the scoring package into every function."""
HR_BASELINE_RANGE = (Decimal(0), Decimal(100))


TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
"""What DynamoDB accepts as a table name; any other name fails every request that uses the table."""


def request_breaking_problems(
    sector_hr_baselines: Mapping[str, Decimal], base_urls: Mapping[str, str], table_names: Mapping[str, str]
) -> list[str]:
    """Settings that would otherwise only fail requests: the sector baseline table (every scoring
    request), unusable provider URLs and table names. Messages name the setting, never its value.

    The other scoring settings are checked by their field ranges and the weight sums in `Settings`, which are
    the scoring parameters' own rules, so a deployment that starts can always build its parameters.
    """
    problems: list[str] = []
    low, high = HR_BASELINE_RANGE
    for sector, baseline in sector_hr_baselines.items():
        if sector.lower() not in SECTORS:
            problems.append(f"SECTOR_HR_BASELINES.{sector}: must be one of: {', '.join(SECTORS)}")
        elif not low <= baseline <= high:
            problems.append(f"SECTOR_HR_BASELINES.{sector}: must be a number from {low} to {high}")
    for name, base_url in base_urls.items():
        try:
            url = urlsplit(base_url)
            usable = url.scheme in ("http", "https") and bool(url.hostname)
        except ValueError:  # e.g. an unbalanced IPv6 bracket
            usable = False
        if not usable:
            problems.append(f"{name}: must be an absolute http(s) URL")
    for name, table in table_names.items():
        if not TABLE_NAME.match(table):
            problems.append(
                f"{name.upper()}_TABLE_NAME: must be 3 to 255 letters, digits, '_', '-' or '.' (a DynamoDB table name)"
            )
    return problems


def local_price_problems(app_env: str, local_model_prices: Mapping[str, Mapping[str, str]]) -> list[str]:
    """LOCAL_MODEL_PRICES: development only, and only rows the shipped table can accept as additions."""
    if not local_model_prices:
        return []
    if app_env != "development":
        return [f"LOCAL_MODEL_PRICES: local model prices are refused in {app_env} (development only)"]
    from orgair.costs.pricing import effective_price_table

    try:
        effective_price_table(local_model_prices)
    except ConfigurationError as error:
        return [str(error).removeprefix("invalid configuration: ")]
    return []
