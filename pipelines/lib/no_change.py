"""A refresh with nothing to do: every input is the one the published refresh was built from.

Checked by `coachlens refresh` before Dagster, dbt or the page code is imported, so such a refresh costs
start-up plus hashing the landing files. "Nothing changed" means, against the published *successful* refresh:
- every source's loading fingerprint (`carry_over.source_fingerprint`: files, code, contracts, settings,
  mappings, erasures, referenced sources),
- the dbt project, the dbt vars (as_of, currency, thresholds, value assumptions, salt) and the engine, and
  the page code (`refresh_inputs.build_inputs`),
- which sources are stale: freshness is measured against the clock, so a source can turn stale with no file
  changed; then the refresh runs, so the pages and `marts.data_quality` say so.

Then the published warehouse and site are left exactly as they are (nothing is written, no Dagster run is
recorded) and the command says since when nothing changed. Stale sources that were already stale are still
reported and alerted on (exit 4), as a refresh would.
"""
from __future__ import annotations

import datetime as dt
import sys

from .alerts import alert_on

from .erasure import erased_pseudonyms
from .outcome import Outcome
from .refresh_inputs import Published, build_inputs, read_published, settings_for, source_fingerprints
from .salt import installation_salt


def stale_now(published: Published, cfg, now: dt.datetime) -> dict[str, str]:
    """source -> why, for the sources whose newest file is older than their maximum age at `now` (the same
    rule as the ingest freshness check and marts.data_quality)."""
    out = {}
    for source, max_age in dict(cfg.freshness).items():
        newest = published.newest_loaded.get(source)
        if newest is None:
            out[source] = f"no file loaded; the maximum age is {max_age:g} h"
            continue
        age = (now - newest).total_seconds() / 3600
        if age > max_age:
            out[source] = f"newest file first loaded {age:.1f} h ago (maximum {max_age:g} h)"
    return out


def unchanged_since(cfg, now: dt.datetime | None = None) -> tuple[Published, dict[str, str]] | None:
    """(the published refresh, its stale sources now) when nothing changed since it; else None."""
    published = read_published(cfg.warehouse)
    if published is None:
        return None
    cfg = cfg.with_salt(installation_salt(cfg.pseudonym_salt, cfg.warehouse))
    if build_inputs(cfg.dbt_vars(), cfg.engine) != published.build:
        return None
    current = source_fingerprints(cfg.landing, settings_for(cfg, erased_pseudonyms(cfg.warehouse)))
    if current != published.sources:
        return None
    stale = stale_now(published, cfg, now or dt.datetime.now(dt.timezone.utc))
    if set(stale) != published.stale:
        return None
    return published, stale


def report_unchanged(cfg, log=print, warn=None) -> int | None:
    """When nothing changed: say so, report and alert on stale sources, and return the exit code (0, or 4
    with stale sources, as a refresh would); else None (the refresh must run)."""
    warn = warn or (lambda m: print(m, file=sys.stderr))
    found = unchanged_since(cfg)
    if found is None:
        return None
    published, stale = found
    when = published.started_at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    log(f"nothing changed since the refresh of {when}: the published warehouse and site are kept as they are")
    log(f"  warehouse: {cfg.warehouse}")
    log(f"  site:      {cfg.site}")
    if not stale:
        return 0
    lines = sorted(f"{source}: {why}" for source, why in stale.items())
    warn("STALE sources (the published pages are marked stale):")
    for line in lines:
        warn(f"  - {line}")
    alert_on(Outcome("(no run: nothing changed)", True, stale=lines), cfg.alerts, str(cfg.warehouse), str(cfg.site),
             log=warn)
    return 4
