"""Between and after sets: set summary, rest, session summary, and the pause screen."""
from __future__ import annotations

from typing import Any

from game.bridge import torso_visible
from game.hud import EMPTY_STAR, STAR, Screen
from game.input import Activity, FeedSample
from game.progression import LevelState, SessionOutcome, advance, rule_text
from game.states.base import State
from tracking.exercise.library import get_spec
from tracking.exercise.placement import placement_advice


class SetSummary(State):
    name = "SetSummary"
    SHOW_S = 3.0

    def enter(self, **args: Any) -> None:
        super().enter(**args)
        app = self.app
        log = app.set_run.log
        stars = log.stars
        self.screen = Screen(app, app.ui, f"Set {log.set_no} done!", [
            f"{len(log.reps)} of {log.target_reps} repetitions",
            f"Average score {log.mean_score:.0f}",
        ], height=1.3, y=0.15)
        self.stars = app.ui.text(self.screen.root, STAR * stars + EMPTY_STAR * (3 - stars), 0.26,
                                 (0.0, -0.38), colour=app.ui.palette.accent)
        app.act(Activity("stand"))

    def update(self, t_s: float, dt: float, sample: FeedSample) -> None:
        super().update(t_s, dt, sample)
        if sample.frame is not None:
            self.app.show_pose(sample.frame)
        if self.t >= self.SHOW_S:
            self.app.after_set()

    def on_key(self, key: str) -> bool:
        if key == "enter":
            self.app.after_set()
            return True
        return False

    def exit(self) -> None:
        self.screen.destroy()


class Rest(State):
    name = "Rest"
    resumable = True

    def enter(self, **args: Any) -> None:
        if not args.get("resumed"):
            super().enter(**args)
        app = self.app
        slot = app.slot
        item = app.plan.items[slot.item_index]
        side = f", {slot.side} side" if slot.side else ""
        self.next_text = f"Next: {item.name}, set {slot.set_no} of {item.sets}{side}"
        self.advice = placement_advice(get_spec(item.exercise_id), slot.side)
        lines = [self.next_text, self.advice, "Press Enter when you are ready."]
        more = 0.25 if self.advice else 0.0  # one more line: the countdown moves down
        self.screen = Screen(app, app.ui, "Rest", [ln for ln in lines if ln],
                             height=1.0 + more, y=0.4 - more / 2)
        self.count = app.ui.text(self.screen.root, "", 0.24, (0.0, -more),
                                 colour=app.ui.palette.accent)
        app.act(Activity("stand"))

    def update(self, t_s: float, dt: float, sample: FeedSample) -> None:
        super().update(t_s, dt, sample)
        if sample.frame is not None:
            self.app.show_pose(sample.frame)
        left = max(0.0, self.app.plan.rest_s - self.t)
        self.count.node().setText(f"{left:.0f} s")
        if left <= 0:
            self.app.flow.go("Exercise")

    def on_key(self, key: str) -> bool:
        if key == "enter":
            self.app.flow.go("Exercise")
            return True
        return False

    def exit(self) -> None:
        self.screen.destroy()


class SessionSummary(State):
    name = "SessionSummary"
    SHOW_S = 4.0

    def enter(self, **args: Any) -> None:
        super().enter(**args)
        app = self.app
        log = app.log
        lines = []
        if log.sets:
            for item in app.plan.items:
                done = [s for s in log.sets if s.exercise_id == item.exercise_id and s.reps]
                if not done:
                    continue
                score = log.exercise_score(item.exercise_id)
                state = app.levels.get(item.exercise_id) or LevelState(item.exercise_id,
                                                                       item.level, item.cap)
                new, change = advance(state, SessionOutcome(score, log.pain_before, log.pain_after))
                app.levels[item.exercise_id] = new
                log.level_changes.append(f"{item.name}: {change.reason} {rule_text(new)}.")
                reps = sum(len(s.reps) for s in done)
                lines.append(f"{item.name}: {reps} reps, score {score:.0f}")
            lines.extend(c.split(": ", 1)[1] if ": " in c else c for c in log.level_changes[-1:])
            if log.pain_before is not None or log.pain_after is not None:
                pb = "-" if log.pain_before is None else log.pain_before
                pa = "-" if log.pain_after is None else log.pain_after
                lines.append(f"Pain: {pb} before, {pa} after")
            if log.cues:
                lines.append(f"Tip for next time: {log.cues[-1]}")
        else:
            lines.extend(log.level_changes[-1:] or ["No exercise this time."])
        title = "Great session!" if log.total_reps else "See you next time"
        self.screen = Screen(app, app.ui, title, lines, height=0.45 + 0.1 * len(lines) + 0.15,
                             y=0.25, width=3.3)
        app.act(Activity("stand"))
        app.session_finished()

    def update(self, t_s: float, dt: float, sample: FeedSample) -> None:
        super().update(t_s, dt, sample)
        if self.app.settings.unattended and self.t >= self.SHOW_S:
            self.app.finish()

    def on_key(self, key: str) -> bool:
        if key in ("enter", "escape"):
            self.app.finish()
            return True
        return False

    def exit(self) -> None:
        self.screen.destroy()


class Paused(State):
    """Paused by key, by gesture, or because the patient left the picture (then it resumes
    by itself once they are back in view for a second)."""

    name = "Paused"
    BACK_S = 1.0

    def enter(self, **args: Any) -> None:
        super().enter(**args)
        app = self.app
        self.reason = args.get("reason", "key")
        app.log.pauses.append(self.reason)
        if app.recording is not None:
            app.recording.event("Paused", {"reason": self.reason})
        if self.reason == "out of view":
            lines = ["We cannot see you.", "Step back into the picture to carry on."]
        else:
            lines = ["Take your time.", "Press space, or put your hands together",
                     "above your head, to carry on."]
        self.screen = Screen(app, app.ui, "Paused", lines, height=0.5 + 0.1 * len(lines) + 0.1,
                             y=0.25)
        self.seen_since: float | None = None
        if app.settings.unattended:
            app.act(Activity("stand"))

    def update(self, t_s: float, dt: float, sample: FeedSample) -> None:
        super().update(t_s, dt, sample)
        app = self.app
        if app.settings.unattended and self.reason != "out of view" and self.t > 1.5:
            app.act(Activity("hands_up"))  # the demo answers with the gesture
        if self.reason == "out of view":
            seen = sample.frame is not None and torso_visible(sample.frame)
            self.seen_since = (self.seen_since if self.seen_since is not None else t_s) \
                if seen else None
            if self.seen_since is not None and t_s - self.seen_since >= self.BACK_S:
                app.flow.resume()

    def exit(self) -> None:
        self.screen.destroy()
