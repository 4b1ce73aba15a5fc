"""Billing support (documentation only; PhysioQuest does not bill).

- Timed codes: minutes of therapeutic exercise per date of service, split over CPT 97110
  (therapeutic exercise) and 97530 (therapeutic activities), units by the CMS 8-minute rule:
  total units from the day's total timed minutes (8-22 min = 1, 23-37 = 2, ...), each code
  first gets its full 15-minute units, remaining units go to the codes with the most minutes
  left over. Minutes are whole minutes: the day's total rounded down, split over codes by
  largest remainders.
- Remote therapeutic monitoring: days with recorded data per 30-day period, from the first
  day with data; CPT 98977 (musculoskeletal device supply) needs data on at least 16 days.
Exercise time and its split: game.reports.stats. Code per exercise: the plan's ``cpt`` field,
else 97530 for the spec category "balance" (dynamic functional activities), else 97110.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from game.plans import stored_plan
from game.reports.stats import exercise_info, summarise

DISCLAIMER = ("Billing support only: PhysioQuest documents exercise time and monitoring days; it does "
              "not bill. A clinician decides what is billable and checks each payer's rules (97110 and "
              "97530 are timed codes for direct one-on-one service; RTM codes need a qualifying device "
              "and an order).")
THER_EX, THER_ACT, RTM_DEVICE = "97110", "97530", "98977"
RTM_MIN_DAYS = 16
RTM_PERIOD_DAYS = 30


def units_for_minutes(minutes: int) -> int:
    """Units of timed service for ``minutes`` by the 8-minute rule."""
    return 0 if minutes < 8 else (minutes - 8) // 15 + 1


def allocate_units(minutes_by_code: dict[str, int]) -> dict[str, int]:
    """Split the day's units over codes the CMS way (full units first, then largest remainders)."""
    total = units_for_minutes(sum(minutes_by_code.values()))
    units = {c: m // 15 for c, m in minutes_by_code.items()}
    left = {c: m % 15 for c, m in minutes_by_code.items()}
    while sum(units.values()) < total:
        code = max(sorted(left), key=lambda c: left[c])
        units[code] += 1
        left[code] = -1
    while sum(units.values()) > total:  # cannot happen with whole minutes; kept as a guard
        code = min((c for c in units if units[c] > 0), key=lambda c: left[c])
        units[code] -= 1
    return units


def whole_minutes(minutes_by_code: dict[str, float]) -> dict[str, int]:
    """Whole minutes per code that add up to the day's total rounded down (largest remainders)."""
    total = int(sum(minutes_by_code.values()) + 1e-9)
    out = {c: int(m + 1e-9) for c, m in sorted(minutes_by_code.items())}
    rest = sorted(out, key=lambda c: -(minutes_by_code[c] - out[c]))
    for c in rest[:max(0, total - sum(out.values()))]:
        out[c] += 1
    return out


def code_for(exercise_id: str, plan: Any) -> str:
    pe = plan.exercise(exercise_id) if plan is not None else None
    if pe is not None and pe.cpt:
        return pe.cpt
    return THER_ACT if exercise_info(exercise_id).category == "balance" else THER_EX


@dataclass(frozen=True)
class DayBilling:
    day: str
    sessions: int
    minutes_by_code: dict[str, int]
    units_by_code: dict[str, int]

    @property
    def minutes(self) -> int:
        return sum(self.minutes_by_code.values())

    @property
    def units(self) -> int:
        return sum(self.units_by_code.values())


@dataclass(frozen=True)
class RtmPeriod:
    start: str
    end: str
    days_with_data: int

    @property
    def supports_98977(self) -> bool:
        return self.days_with_data >= RTM_MIN_DAYS


def billing_summary(store: Any, patient_id: str, month: str | None = None) -> dict[str, Any]:
    """Per day, per month and per 30-day RTM period; ``month`` ("YYYY-MM") limits the days shown."""
    store.get_patient(patient_id)
    per_day: dict[date, dict[str, float]] = {}
    sessions_per_day: dict[date, int] = {}
    data_days: set[date] = set()
    for s in store.list_sessions(patient_id):
        summ = summarise(store, s)
        plan = stored_plan(store, s.plan_id)
        day = summ.day
        if summ.frames > 0:
            data_days.add(day)
        if summ.exercise_s <= 0:
            continue
        sessions_per_day[day] = sessions_per_day.get(day, 0) + 1
        codes = per_day.setdefault(day, {})
        for ex_id, minutes in summ.minutes_by_exercise.items():
            c = code_for(ex_id, plan)
            codes[c] = codes.get(c, 0.0) + minutes
    days = []
    for day in sorted(per_day):
        if month and day.strftime("%Y-%m") != month:
            continue
        mins = whole_minutes(per_day[day])
        days.append(DayBilling(day.isoformat(), sessions_per_day[day], mins, allocate_units(mins)))
    months: dict[str, dict[str, Any]] = {}
    for d in days:
        m = months.setdefault(d.day[:7], {"days": 0, "minutes_by_code": {}, "units_by_code": {}})
        m["days"] += 1
        for c, v in d.minutes_by_code.items():
            m["minutes_by_code"][c] = m["minutes_by_code"].get(c, 0) + v
        for c, v in d.units_by_code.items():
            m["units_by_code"][c] = m["units_by_code"].get(c, 0) + v
    periods = []
    if data_days:
        start, last = min(data_days), max(data_days)
        while start <= last:
            end = start + timedelta(days=RTM_PERIOD_DAYS - 1)
            n = sum(1 for d in data_days if start <= d <= end)
            if not month or start.strftime("%Y-%m") <= month <= end.strftime("%Y-%m"):
                periods.append(RtmPeriod(start.isoformat(), end.isoformat(), n))
            start = end + timedelta(days=1)
    return {"patient_id": patient_id, "month": month, "disclaimer": DISCLAIMER, "days": days,
            "months": months, "rtm_periods": periods,
            "days_with_data": sorted(d.isoformat() for d in data_days
                                     if not month or d.strftime("%Y-%m") == month)}


def billing_json(summary: dict[str, Any]) -> str:
    out = dict(summary)
    out["days"] = [dict(asdict(d), minutes=d.minutes, units=d.units) for d in summary["days"]]
    out["rtm_periods"] = [dict(asdict(p), supports_98977=p.supports_98977) for p in summary["rtm_periods"]]
    return json.dumps(out, indent=2) + "\n"


def billing_text(summary: dict[str, Any]) -> str:
    lines = [f"Billing support for patient {summary['patient_id']}"
             + (f", {summary['month']}" if summary["month"] else ""), summary["disclaimer"], "",
             "Timed therapeutic exercise per date of service (8-minute rule):"]
    if not summary["days"]:
        lines.append("  no exercise time recorded")
    for d in summary["days"]:
        per = ", ".join(f"{c}: {d.minutes_by_code[c]} min -> {d.units_by_code.get(c, 0)} unit(s)"
                        for c in d.minutes_by_code)
        lines.append(f"  {d.day}  {d.sessions} session(s), {d.minutes} min, {d.units} unit(s)  [{per}]")
    for m, v in summary["months"].items():
        per = ", ".join(f"{c}: {v['minutes_by_code'][c]} min / {v['units_by_code'].get(c, 0)} units"
                        for c in sorted(v["minutes_by_code"]))
        lines.append(f"  month {m}: {v['days']} day(s) with timed exercise; {per}")
    lines += ["", f"Remote therapeutic monitoring ({RTM_DEVICE} needs data on {RTM_MIN_DAYS} of "
                  f"{RTM_PERIOD_DAYS} days):"]
    if not summary["rtm_periods"]:
        lines.append("  no days with recorded data")
    for p in summary["rtm_periods"]:
        lines.append(f"  {p.start} to {p.end}: {p.days_with_data} day(s) with data -> "
                     + (f"meets the {RTM_MIN_DAYS}-day requirement" if p.supports_98977
                        else f"{RTM_MIN_DAYS - p.days_with_data} more day(s) needed"))
    return "\n".join(lines) + "\n"
