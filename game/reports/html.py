"""``build_report``: one self-contained HTML page (inline CSS and SVG, no scripts, nothing
fetched) with plain-language summaries for a patient and, in detail, one session."""
from __future__ import annotations

import os
import time
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from game.plans import active_plan, stored_plan
from game.reports.stats import (UNIT_WORDS, SessionSummary, active_days, exercise_info, rep_measure,
                                rep_unit, summarise, unit_symbol, weekly_adherence)
from game.reports.svg_plots import CHART_CSS, PALETTE, Series, chart
from game.sessions.models import INTERRUPTED, Plan
from tracking.errors import InputError

_CSS = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; color:#222; max-width:980px; margin:24px auto; padding:0 16px; }
h1 { font-size:24px; margin-bottom:4px; } h2 { font-size:19px; border-bottom:2px solid #dde3ea; padding-bottom:4px; margin-top:28px; }
h3 { font-size:16px; margin:18px 0 4px; } .sub { color:#666; margin-top:0; }
ul.summary li { margin:4px 0; line-height:1.4; } .warn { color:#a33; }
table { border-collapse:collapse; font-size:13px; margin:8px 0; } th, td { border-bottom:1px solid #e4e8ee; padding:4px 8px; text-align:left; }
th { background:#f4f6f9; } td.n { text-align:right; } footer { color:#777; font-size:12px; margin-top:32px; }
.charts { display:flex; flex-wrap:wrap; gap:8px; }
"""


def _d(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _val(v: float | None, unit: str = "deg") -> str:
    """A range in its unit: 42&deg; or 42% (repetitions counted by a height are in percent)."""
    return "-" if v is None else f"{v:.0f}{unit_symbol(unit, html=True)}"


def _closer(first: float, last: float, target: float, unit: str = "deg") -> str:
    gain = abs(first - target) - abs(last - target)
    if abs(gain) < 2:
        return "about the same distance from the target as"
    return f"{_val(abs(gain), unit)} {'closer to' if gain > 0 else 'further from'} the target than"


def _measure_name(measure: str, angle: str) -> str:
    return (measure or angle).replace("_", " ") or "primary angle"


def _summary_items(summaries: list[SessionSummary], plan: Plan | None) -> list[str]:
    items: list[str] = []
    if not summaries:
        return ["No sessions are recorded yet."]
    days = active_days(summaries)
    first, last = summaries[0].day, summaries[-1].day
    weeks = max(1, ((last - first).days // 7) + 1)
    text = (f"Between {_d(first)} and {_d(last)} there were {len(summaries)} session"
            f"{'s' if len(summaries) != 1 else ''} on {len(days)} day{'s' if len(days) != 1 else ''}.")
    if plan is not None:
        wanted = plan.days_per_week * weeks
        text += (f" The plan asks for {plan.days_per_week} day{'s' if plan.days_per_week != 1 else ''} a week, "
                 f"{wanted} days over these {weeks} week{'s' if weeks != 1 else ''}: "
                 f"{min(100, round(100 * len(days) / wanted))}% of planned days done.")
    items.append(text)
    interrupted = sum(1 for s in summaries if s.session.status == INTERRUPTED)
    if interrupted:
        items.append(f'<span class="warn">{interrupted} session{"s" if interrupted != 1 else ""} ended early '
                     "(interrupted); what was recorded before is kept.</span>")
    ex_ids = list(dict.fromkeys(e.exercise_id for s in summaries for e in s.exercises))
    for ex_id in ex_ids:
        info = exercise_info(ex_id)
        with_ex = [(s, e) for s in summaries for e in s.exercises if e.exercise_id == ex_id]
        reps = sum(e.reps for _, e in with_ex)
        met = sum(e.met for _, e in with_ex)
        line = f"<b>{escape(info.name)}</b>: {_n(reps, 'repetition')}"
        e0, e1 = with_ex[0][1], with_ex[-1][1]
        if e1.mean_deg is not None and e1.target_deg is not None:
            line += f", {met} of them reached the target ({round(100 * met / reps) if reps else 0}%)."
            u = e1.unit
            line += f" In the last session the average was {_val(e1.mean_deg, u)} (target {_val(e1.target_deg, u)})"
            if len(with_ex) > 1 and e0.mean_deg is not None and (e0.unit, e0.measure) == (e1.unit, e1.measure):
                line += (f", {_closer(e0.mean_deg, e1.mean_deg, e1.target_deg, u)} in the first session "
                         f"({_val(e0.mean_deg, u)})")
            line += "."
        else:
            line += "."
        faults: dict[str, int] = {}
        for _, e in with_ex:
            for f, c in e.faults.items():
                faults[f] = faults.get(f, 0) + c
        if faults:
            top = sorted(faults.items(), key=lambda kv: -kv[1])[:2]
            line += " Most frequent form issue: " + "; ".join(
                f"{escape(f.replace('_', ' '))} in {c} of {_n(reps, 'repetition')}" for f, c in top) + "."
        items.append(line)
    pains = [(s.pain_before, s.pain_after) for s in summaries if s.pain_before is not None and s.pain_after is not None]
    if pains:
        b = sum(p[0] for p in pains) / len(pains)
        a = sum(p[1] for p in pains) / len(pains)
        worse = sum(1 for p in pains if p[1] - p[0] >= 2)
        line = (f"Pain (0-10) averaged {b:.1f} before and {a:.1f} after exercising "
                f"over {len(pains)} session{'s' if len(pains) != 1 else ''}.")
        if worse:
            line += (f' <span class="warn">Pain rose by 2 points or more during {worse} session'
                     f'{"s" if worse != 1 else ""}: worth discussing with the therapist.</span>')
        items.append(line)
    return items


def _session_section(store: Any, s: SessionSummary, plan: Plan | None) -> str:
    sess = s.session
    parts = [f"<h2>Session of {_d(s.day)}, {sess.local_start:%H:%M}</h2>",
             f'<p class="sub">{escape(sess.status)}, {s.exercise_s / 60:.1f} minutes of exercise, '
             f"{_n(s.reps, 'repetition')}, scene {escape(sess.scene or '-')}, id {escape(sess.id)}</p>"]
    reps = store.reps(sess.id)
    lines = []
    if s.pain_before is not None or s.pain_after is not None:
        lines.append(f"Pain before: {s.pain_before if s.pain_before is not None else '-'}/10, "
                     f"after: {s.pain_after if s.pain_after is not None else '-'}/10.")
    parts.append("<ul class='summary'>" + "".join(f"<li>{x}</li>" for x in lines) + "</ul>" if lines else "")
    for i, e in enumerate(s.exercises):
        info = exercise_info(e.exercise_id)
        rs = [r for r in reps if r.exercise_id == e.exercise_id]
        labels = [f"{r.set_index + 1}.{r.rep_index + 1}" + (r.side[:1].upper() if r.side else "") for r in rs]
        target = e.target_deg
        pe = plan.exercise(e.exercise_id) if plan else None
        cap = pe.max_target_angle_deg if pe else None
        parts.append(f"<h3>{escape(info.name)}</h3>")
        said = _n(e.reps, "repetition") + (f"; {e.met} reached the target" if target is not None else "")
        if e.faults:
            said += "; form issues: " + ", ".join(f"{escape(k.replace('_', ' '))} ({v})" for k, v in e.faults.items())
        parts.append(f"<p>{said}.</p>")
        # only the repetitions counted in the summary's unit and measure (a camera view may
        # count another measure: its values are not on the same axis)
        same = [rep_unit(r) == e.unit and rep_measure(r) == e.measure for r in rs]
        reached = tuple(r.range_deg if ok else None for r, ok in zip(rs, same))
        range_series = [Series("angle reached" if e.unit == "deg" else "reached", reached, PALETTE[0], "line")]
        faulty = tuple(r.range_deg if r.faults and ok else None for r, ok in zip(rs, same))
        if any(v is not None for v in faulty):
            range_series.append(Series("with a form issue", faulty, PALETTE[1], "points"))
        cap_note = f"; therapist's cap {cap:.0f} deg" if cap is not None and e.unit == "deg" else ""
        other = len(rs) - sum(same)
        other_note = f"; {other} counted by another measure not shown" if other else ""
        charts = [chart(f"Range per repetition ({_measure_name(e.measure, info.angle)})", labels,
                        range_series, UNIT_WORDS[e.unit],
                        ref=(target, f"target {target:.0f}") if target is not None else None,
                        width=470, note="set.rep" + cap_note + other_note),
                  chart("Score per repetition", labels, [Series("score", tuple(r.score for r in rs), PALETTE[2], "bars")],
                        "0-100", y_min=0, y_max=100, width=470, note="set.rep")]
        parts.append('<div class="charts">' + "".join(charts) + "</div>")
    if not s.exercises:
        parts.append("<p>No repetitions were recorded in this session.</p>")
    return "".join(parts)


def _history_section(summaries: list[SessionSummary], plan: Plan | None) -> str:
    if not summaries:
        return ""
    labels = [f"{s.day:%d %b}" for s in summaries]
    parts = ["<h2>Across sessions</h2>", '<div class="charts">']
    # one chart per exercise and unit/measure (sessions filmed from another view may have
    # been counted by another measure, in another unit)
    keys = list(dict.fromkeys((e.exercise_id, e.unit, e.measure) for s in summaries for e in s.exercises))
    for k, (ex_id, unit, measure) in enumerate(keys):
        info = exercise_info(ex_id)
        per = [next((e for e in s.exercises if (e.exercise_id, e.unit, e.measure) == (ex_id, unit, measure)), None)
               for s in summaries]
        targets = [e.target_deg for e in per if e is not None and e.target_deg is not None]
        several = sum(1 for key in keys if key[0] == ex_id) > 1
        what = "angle" if unit == "deg" and not several else _measure_name(measure, info.angle)
        parts.append(chart(f"{info.name}: {what} per session", labels,
                           [Series("average", tuple(e.mean_deg if e else None for e in per), PALETTE[k % 6]),
                            Series("best", tuple(e.best_deg if e else None for e in per), PALETTE[(k + 3) % 6],
                                   "line", dashed=True)],
                           UNIT_WORDS[unit], ref=(targets[-1], f"target {targets[-1]:.0f}") if targets else None,
                           width=470))
    parts.append(chart("Average score per session", labels,
                       [Series("score", tuple(s.mean_score for s in summaries), PALETTE[2], "bars")],
                       "0-100", y_min=0, y_max=100, width=470))
    weeks = weekly_adherence(summaries, plan)
    if weeks:
        target = plan.days_per_week if plan else None
        parts.append(chart("Days exercised per week", [f"wk {w.monday:%d %b}" for w in weeks],
                           [Series("days", tuple(float(w.days) for w in weeks), PALETTE[4], "bars")],
                           "days", ref=(target, f"plan: {target} a week") if target else None,
                           y_min=0, y_max=7, width=470))
    if any(s.pain_before is not None or s.pain_after is not None for s in summaries):
        parts.append(chart("Pain before and after (0-10)", labels,
                           [Series("before", tuple(s.pain_before for s in summaries), PALETTE[1]),
                            Series("after", tuple(s.pain_after for s in summaries), PALETTE[3], dashed=True)],
                           "pain", y_min=0, y_max=10, width=470))
    parts.append("</div>")
    rows = "".join(
        f"<tr><td>{_d(s.day)} {s.session.local_start:%H:%M}</td><td>{escape(s.session.status)}</td>"
        f"<td class='n'>{s.exercise_s / 60:.1f}</td><td class='n'>{s.reps}</td>"
        f"<td class='n'>{'-' if s.mean_score is None else f'{s.mean_score:.0f}'}</td>"
        f"<td class='n'>{'-' if s.pain_before is None else s.pain_before}</td>"
        f"<td class='n'>{'-' if s.pain_after is None else s.pain_after}</td>"
        f"<td>{escape(s.session.id)}</td></tr>" for s in summaries)
    parts.append("<h3>Sessions</h3><table><tr><th>date</th><th>status</th><th>minutes</th><th>reps</th>"
                 f"<th>score</th><th>pain before</th><th>pain after</th><th>id</th></tr>{rows}</table>")
    return "".join(parts)


def build_report(store: Any, patient_id: str, session_id: str | None = None) -> str:
    """The report page for ``patient_id``; the detailed session is ``session_id`` or the latest."""
    patient = store.get_patient(patient_id)
    sessions = store.list_sessions(patient_id)
    focus = None
    if session_id:
        focus = store.get_session(session_id)
        if focus.patient_id != patient_id:
            raise InputError(None, f"session {focus.id} belongs to patient {focus.patient_id}, not {patient_id}")
    elif sessions:
        focus = sessions[-1]
    summaries = [summarise(store, s) for s in sessions]
    plan = (stored_plan(store, focus.plan_id) if focus and focus.plan_id else None) or active_plan(store, patient_id)
    name = f" ({escape(patient.display_name)})" if patient.display_name else ""
    plan_line = (f"Plan: {escape(plan.title)}, {plan.days_per_week} days a week"
                 + (f", by {escape(plan.therapist)}" if plan.therapist else "") if plan else "No plan imported")
    body = [f"<h1>PhysioQuest report: patient {escape(patient.id)}{name}</h1>",
            f'<p class="sub">{plan_line}. Made {time.strftime("%d %b %Y %H:%M")}.</p>',
            "<h2>In short</h2><ul class='summary'>"
            + "".join(f"<li>{x}</li>" for x in _summary_items(summaries, plan)) + "</ul>"]
    if focus is not None:
        fs = next(s for s in summaries if s.session.id == focus.id)
        body.append(_session_section(store, fs, plan))
    body.append(_history_section(summaries, plan))
    body.append("<footer>Made on this computer by PhysioQuest; nothing was sent anywhere. Angles are "
                "estimates from a webcam (landmarks only; no video is stored) and support, not replace, a "
                "therapist's assessment.</footer>")
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>PhysioQuest report {escape(patient.id)}</title><style>{_CSS}{CHART_CSS}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")


def write_private(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` owner-only (0600): reports and exports hold health data."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise InputError(path, "the folder does not exist")
    if path.is_dir():
        raise InputError(path, "is a folder; give a file name")
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(path, f"cannot write ({exc.strerror})") from None
    return path
