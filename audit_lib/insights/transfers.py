"""The transfer inventory a DPO keeps (policy §5, §7; GDPR Ch. V): tables and a world map.

Recipient names are company names, not personal data: they may be shown (the notebook escapes
them). The safeguard status follows the TR-* checks' reading (spec/checks.md, "Adequacy"); the
findings column lists the TR-* checks that fired for the recipient in the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pycountry

from ..checks import load_checks
from ..run import ensure_shared

if TYPE_CHECKING:  # plotly is imported by the charts only: `gdpr-audit check` writes the inventory without it
    import plotly.graph_objects as go

STATUSES = {  # status -> colour, in order from best to worst (the map shows a country's worst)
    "EEA": "#1a9850",
    "Adequacy decision": "#91cf60",
    "SCC 2021 + TIA": "#4575b4",
    "BCR": "#74add1",
    "Repealed SCC, before its end date": "#d9ef8b",
    "Derogation (Art. 49)": "#fee08b",
    "SCC 2021 or BCR, TIA missing": "#fc8d59",
    "Missing or invalid": "#d73027",
}
NOT_ASSESSED = "Not assessed (data-quality problem)"
CONFIRM_SCOPE = "auditor to confirm scope: "
COLUMNS = [
    "recipient_id",
    "name",
    "role",
    "country",
    "country_name",
    "safeguard",
    "mechanism",
    "dpf_certified",
    "adequacy_decision",
    "adequacy_from",
    "adequacy_until",
    "scope_note",
    "watch_note",
    "dpa_signed_at",
    "tia_completed_at",
    "last_reviewed_at",
    "review_due",
    "disclosed_under",
    "findings",
]

_INVENTORY_SQL = """
WITH r AS (
    SELECT r._row, r.recipient_id, r.name, r.role, r.country, r.dpf_certified, r.mechanism,
           r.derogation_reason, r.dpa_signed_at, r.tia_completed_at, r.last_reviewed_at,
           len(r._missing) + len(r._invalid) + len(r._future) > 0 AS dq_problem,
           r.country IN (SELECT code FROM ref_eea) AS in_eea,
           a.decision_ref, a.decision_date, a.end_date, a.scope_type, a.recipient_condition, a.scope_note,
           a.watch_note,
           -- adequacy is judged once, in the checks' shared relation (rows left out for DQ are not assessed)
           EXISTS (SELECT 1 FROM recipient_adequacy q
                   WHERE q.recipient_id = r.recipient_id AND q.country = r.country AND q.adequacy_met) AS adequacy_met,
           r.role = 'processor' AS is_processor,
           s.invalid_from AS scc_invalid_from
    FROM recipients_all r
    LEFT JOIN ref_adequacy a ON a.code = r.country
    LEFT JOIN ref_scc s ON s.mechanism = r.mechanism AND s.invalid_from IS NOT NULL
)
SELECT _row, recipient_id, name, role, country, in_eea, dq_problem,
       CASE WHEN dq_problem THEN $not_assessed
            WHEN in_eea THEN 'EEA'
            WHEN adequacy_met THEN 'Adequacy decision'
            WHEN mechanism = 'scc_2021' AND tia_completed_at IS NOT NULL THEN 'SCC 2021 + TIA'
            WHEN mechanism = 'bcr' AND tia_completed_at IS NOT NULL THEN 'BCR'
            WHEN mechanism IN ('scc_2021', 'bcr') THEN 'SCC 2021 or BCR, TIA missing'
            WHEN scc_invalid_from IS NOT NULL AND $as_of < scc_invalid_from THEN 'Repealed SCC, before its end date'
            -- no derogation for a processor: a systematic, ongoing transfer (TR-NO-SAFEGUARD)
            WHEN mechanism = 'derogation_49' AND NOT blank(derogation_reason) AND NOT is_processor
                 THEN 'Derogation (Art. 49)'
            ELSE 'Missing or invalid' END AS safeguard,
       coalesce(mechanism, '') AS mechanism,
       CASE WHEN recipient_condition = 'dpf_certified' THEN CASE WHEN dpf_certified THEN 'yes' ELSE 'no' END
            ELSE '' END AS dpf_certified,
       coalesce(decision_ref, '') AS adequacy_decision,
       coalesce(strftime(decision_date, '%Y-%m-%d'), '') AS adequacy_from,
       coalesce(strftime(end_date, '%Y-%m-%d'), '') AS adequacy_until,
       CASE WHEN scope_note IS NULL THEN ''
            -- partial decisions (CA, JP, KR, ...): scope taken as met by the checks, to be confirmed
            WHEN scope_type = 'partial' THEN $confirm || scope_note
            ELSE scope_note END AS scope_note,
       -- beside every recipient relying on the DPF: the pending Latombe appeal, keep a fallback tool ready
       CASE WHEN recipient_condition = 'dpf_certified' AND dpf_certified AND NOT in_eea THEN coalesce(watch_note, '')
            ELSE '' END AS watch_note,
       coalesce(strftime(dpa_signed_at, '%Y-%m-%d'), '') AS dpa_signed_at,
       coalesce(strftime(tia_completed_at, '%Y-%m-%d'), '') AS tia_completed_at,
       coalesce(strftime(last_reviewed_at, '%Y-%m-%d'), '') AS last_reviewed_at,
       CASE WHEN in_eea OR country IS NULL THEN ''
            WHEN last_reviewed_at IS NULL THEN 'never reviewed'
            ELSE strftime(add_months(last_reviewed_at, $transfer_review_months), '%Y-%m-%d') END AS review_due
FROM r
ORDER BY _row
"""

# the §7 destination of each country: TR-UNDISCLOSED-DESTINATION's shared relation, never re-derived
_DISCLOSED_SQL = "SELECT country, kind, value FROM disclosed_destination"


def _transfer_ids() -> list[str]:
    return [c.id for c in load_checks() if c.area == "transfers"]


def _country_name(code: object) -> str:
    country = pycountry.countries.get(alpha_2=code) if isinstance(code, str) else None
    return getattr(country, "common_name", None) or getattr(country, "name", "") if country else ""


def _iso3(code: object) -> str:
    country = pycountry.countries.get(alpha_2=code) if isinstance(code, str) else None
    return country.alpha_3 if country else ""


def _destination_titles(run) -> dict[tuple[str, str], str]:
    return {(d.kind, d.value): d.title for d in run.policy.disclosed_destinations.destinations}


def inventory(run) -> pd.DataFrame:
    """One row per recipient: where the data goes, the tool relied on, adequacy and its scope note,
    DPA / TIA / review dates, the §7 destination it falls under and the TR-* findings it has.

    Dates are ISO strings (empty when not recorded). Rows with a data-quality problem are listed
    with the status "Not assessed"; the checks leave them out.
    """
    ex = run.extract
    if "recipients" not in ex.provided:
        return pd.DataFrame(columns=COLUMNS)
    params = {
        "as_of": ex.as_of,
        "transfer_review_months": ex.policy.param_values()["transfer_review_months"],
        "not_assessed": NOT_ASSESSED,
        "confirm": CONFIRM_SCOPE,
    }
    ensure_shared(ex, _INVENTORY_SQL)
    inv = ex.sql(_INVENTORY_SQL, **params)
    inv["country_name"] = inv["country"].map(_country_name)

    titles = _destination_titles(run)
    ensure_shared(ex, _DISCLOSED_SQL)
    disclosed = ex.sql(_DISCLOSED_SQL)
    under = (
        disclosed.assign(title=[titles.get((k, v), v) for k, v in zip(disclosed["kind"], disclosed["value"])])
        .groupby("country")["title"]
        .agg(lambda t: ", ".join(sorted(t)))
    )
    outside = ~inv["in_eea"].fillna(False).astype(bool) & inv["country"].notna()
    inv["disclosed_under"] = ""
    inv.loc[outside, "disclosed_under"] = inv.loc[outside, "country"].map(under).fillna("not disclosed")

    found = run.of(*_transfer_ids())
    by_record = found.groupby("record_id")["check_id"].agg(lambda ids: "; ".join(sorted(set(ids))))
    inv["findings"] = [by_record.get(r, "") for r in inv["recipient_id"]]
    inv.loc[inv["dq_problem"].astype(bool), "findings"] = ""  # DQ rows are judged by no TR-* check
    return inv[COLUMNS].fillna("").reset_index(drop=True)


def world_map(run) -> go.Figure:
    """Choropleth of the countries that receive data, coloured by the weakest safeguard there."""
    import plotly.express as px  # noqa: PLC0415 - charts only (the check command needs none)
    import plotly.graph_objects as go  # noqa: PLC0415

    inv = inventory(run)
    inv = inv[inv["safeguard"].isin(list(STATUSES))]
    rank = {s: i for i, s in enumerate(STATUSES)}
    rows = []
    for country, group in inv.groupby("country", sort=True):
        worst = max(group["safeguard"], key=rank.get)
        detail = "; ".join(
            f"{n} × {s}" for s, n in group["safeguard"].value_counts().sort_index(key=lambda idx: idx.map(rank)).items()
        )
        rows.append(
            {
                "iso3": _iso3(country),
                "country": _country_name(country),
                "safeguard": worst,
                "recipients": len(group),
                "detail": detail,
            }
        )
    frame = pd.DataFrame(rows, columns=["iso3", "country", "safeguard", "recipients", "detail"])
    title = "Where personal data goes: recipients by country and transfer safeguard"
    if frame.empty:
        fig = go.Figure(go.Choropleth(locations=[], z=[], locationmode="ISO-3", showscale=False))
        fig.update_layout(title=title + " (no recipients)")
        return fig
    fig = px.choropleth(
        frame,
        locations="iso3",
        locationmode="ISO-3",
        color="safeguard",
        color_discrete_map=STATUSES,
        category_orders={"safeguard": list(STATUSES)},
        hover_name="country",
        hover_data={"iso3": False, "recipients": True, "detail": True},
        labels={"safeguard": "Weakest safeguard", "detail": "Recipients"},
        title=title,
    )
    fig.update_geos(showcountries=True, countrycolor="#bbbbbb", showframe=False, projection_type="natural earth")
    fig.update_layout(height=520, legend_title_text="Weakest safeguard in the country")
    return fig


def status_chart(run) -> go.Figure:
    """Bar chart: how many recipients rely on each kind of safeguard."""
    import plotly.express as px  # noqa: PLC0415 - charts only

    inv = inventory(run)
    order = [*STATUSES, NOT_ASSESSED]
    counts = (
        inv["safeguard"]
        .value_counts()
        .reindex(order, fill_value=0)
        .rename_axis("safeguard")
        .reset_index(name="recipients")
    )
    colours = {**STATUSES, NOT_ASSESSED: "#999999"}
    fig = px.bar(
        counts,
        x="recipients",
        y="safeguard",
        orientation="h",
        color="safeguard",
        color_discrete_map=colours,
        category_orders={"safeguard": order},
        title="Recipients by transfer safeguard",
    )
    fig.update_layout(showlegend=False, yaxis_title="", xaxis_title="recipients", height=360)
    return fig


def destinations(run) -> pd.DataFrame:
    """What §7 of the policy discloses next to where data actually goes outside the EEA.

    One row per disclosed destination (recipients there, possibly 0) and one per country outside
    the EEA that no disclosed destination covers (disclosed = "no").
    """
    columns = ["destination", "disclosed", "countries", "recipients"]
    if "recipients" not in run.extract.provided:
        return pd.DataFrame(columns=columns)
    inv = inventory(run)
    outside = inv[inv["disclosed_under"] != ""]
    rows = []
    for dest in run.policy.disclosed_destinations.destinations:
        covered = outside["disclosed_under"].map(lambda under, d=dest: d.title in under.split(", "))
        there = outside.loc[covered.astype(bool)]
        rows.append(
            {
                "destination": dest.title,
                "disclosed": "yes",
                "countries": ", ".join(sorted(there["country"].unique())),
                "recipients": len(there),
            }
        )
    for country, group in outside[outside["disclosed_under"] == "not disclosed"].groupby("country", sort=True):
        rows.append(
            {"destination": _country_name(country), "disclosed": "no", "countries": country, "recipients": len(group)}
        )
    return pd.DataFrame(rows, columns=columns)
