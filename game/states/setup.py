"""Before exercising: patient choice, camera check, pain check-in, calibration."""
from __future__ import annotations

from typing import Any

from game.gestures import HeldGesture, pain_from_hand
from game.hud import Screen
from game.input import Activity, FeedSample
from game.states.base import State
from game.states.checks import Calibrator, check_camera
from game.ui.widgets import CameraInset


class PatientChoice(State):
    name = "PatientChoice"

    def enter(self, **args: Any) -> None:
        super().enter(**args)
        app = self.app
        self.patients = app.patient_names()
        n = len(self.patients)
        self.screen = Screen(app, app.ui, "Who is exercising today?",
                             ["Click your name, or press its number."],
                             height=1.0 if n <= 3 else 1.3, y=0.2)
        for i, name in enumerate(self.patients[:6]):
            x = (i - (n - 1) / 2) * 1.0 if n <= 3 else ((i % 3) - 1) * 1.0
            y = -0.05 if n <= 3 else (0.0 - 0.3 * (i // 3))
            self.screen.buttons.append(app.ui.button(
                self.screen.root, f"{i + 1}  {name}", (x, y), 0.11,
                lambda nm=name: self.choose(nm), width=max(6.0, 0.62 * len(name) + 2.0)))
        app.act(Activity("stand"))

    def choose(self, name: str) -> None:
        self.app.set_patient(name)
        self.app.flow.go("CameraCheck")

    def update(self, t_s: float, dt: float, sample: FeedSample) -> None:
        super().update(t_s, dt, sample)
        wait = 1.2 if self.app.feed.is_demo else 0.1  # a video waits for nobody
        if self.app.settings.unattended and self.t > wait:
            pick = self.app.settings.patient or self.patients[0]
            self.choose(pick)

    def on_key(self, key: str) -> bool:
        if key.isdigit() and 1 <= int(key) <= len(self.patients):
            self.choose(self.patients[int(key) - 1])
            return True
        return False

    def exit(self) -> None:
        self.screen.destroy()


class CameraCheck(State):
    name = "CameraCheck"
    NEEDED_OK_S = 1.5

    def enter(self, **args: Any) -> None:
        super().enter(**args)
        app = self.app
        self.screen = Screen(app, app.ui, "Camera check", [], height=1.55, y=0.0, width=3.3)
        self.inset = CameraInset(self.screen.root, 1.2, (-0.95, -0.12))
        self.screen.body.setPos(0.55, 0, 0.25)
        self.screen.body.node().setWordwrap(1.75 / (0.085 * app.ui.k))
        self.ok_since: float | None = None
        self.lines: tuple[str, ...] = ()
        app.act(Activity("stand"))
        app.demo_camera(True)

    def update(self, t_s: float, dt: float, sample: FeedSample) -> None:
        super().update(t_s, dt, sample)
        self.inset.show(sample.image)
        frame = sample.frame
        verdict = check_camera(frame.xyzv if frame is not None else None, sample.image)
        if verdict.ok:
            self.ok_since = t_s if self.ok_since is None else self.ok_since
        else:
            self.ok_since = None
        held = 0.0 if self.ok_since is None else t_s - self.ok_since
        lines = verdict.lines + (("All set! Stay where you are.",) if held > 0.5 else ())
        if lines != self.lines:
            self.lines = lines
            self.screen.set_lines(lines)
        need = self.NEEDED_OK_S if self.app.feed.is_demo or not self.app.settings.unattended \
            else 0.3  # a recorded video: no time to lose
        if (held >= need and self.t > min(1.0, need)) or \
                (self.app.settings.unattended and self.t > 10.0):  # unattended: go on anyway
            self.app.flow.go("PainCheck", when="before")

    def on_key(self, key: str) -> bool:
        if key == "enter":  # the therapist may skip the check
            self.app.flow.go("PainCheck", when="before")
            return True
        return False

    def exit(self) -> None:
        self.app.demo_camera(False)
        self.screen.destroy()


class PainCheck(State):
    """Pain 0-10 before and after the session: click, number keys (arrows + Enter for 10) or
    one raised hand held still."""

    name = "PainCheck"
    DEMO_ANSWERS = {"before": 2, "after": 3}

    def enter(self, **args: Any) -> None:
        super().enter(**args)
        app = self.app
        self.when = args.get("when", "before")
        title = "How much pain do you feel right now?" if self.when == "before" else \
            "Well done! How much pain do you feel now?"
        self.screen = Screen(app, app.ui, title, [
            "0 = no pain      10 = worst pain you can imagine",
            "Click a number, press a number key, or raise one hand",
            "(higher hand = more pain) and hold it still."], height=1.75, y=0.05, width=3.4)
        pal = app.ui.palette
        self.buttons = []
        for v in range(11):
            k = v / 10
            colour = tuple(pal.good[i] * (1 - k) + pal.bad[i] * k for i in range(3)) + (0.95,)
            b = app.ui.button(self.screen.root, str(v), ((v - 5) * 0.29, -0.42), 0.12,
                              lambda vv=v: self.answer(vv), colour=colour, width=1.9)
            self.buttons.append(b)
        self.screen.buttons.extend(self.buttons)
        self.selected: int | None = None
        self.gesture = HeldGesture(hold_s=1.5)
        self.answered = False
        app.act(Activity("pain", value=self.DEMO_ANSWERS[self.when]) if app.settings.unattended
                else Activity("stand"))

    def _select(self, v: int | None) -> None:
        if v == self.selected:
            return
        if self.selected is not None:
            self.buttons[self.selected].setScale(0.12 * self.app.ui.k)
        self.selected = v
        if v is not None:
            self.buttons[v].setScale(0.16 * self.app.ui.k)

    def answer(self, value: int) -> None:
        if self.answered:
            return
        self.answered = True
        self.app.record_pain(self.when, value)
        if self.when == "before":
            if value >= 8:
                self.app.log.level_changes.append(
                    "Pain is high today: no exercise. Please talk to your therapist.")
                self.app.flow.go("SessionSummary")
            else:
                self.app.flow.go("Calibration")
        else:
            self.app.flow.go("SessionSummary")

    def skip(self) -> None:
        """No answer (a recorded video cannot answer): carry on without a pain score."""
        if not self.answered:
            self.answered = True
            if self.when == "before":  # nobody to calibrate either: the plan's targets stand
                self.app.start_item(0)
            else:
                self.app.flow.go("SessionSummary")

    def update(self, t_s: float, dt: float, sample: FeedSample) -> None:
        super().update(t_s, dt, sample)
        if self.app.settings.unattended and not self.app.feed.is_demo:
            self.skip()
            return
        if sample.frame is None or self.t < 0.5:
            return
        reading = pain_from_hand(sample.frame.xyzv)
        if reading is not None:
            self._select(reading)
        got = self.gesture.update(t_s, reading)
        if got is not None:
            self.answer(int(got))

    def on_key(self, key: str) -> bool:
        if key.isdigit():
            self.answer(int(key))
        elif key in ("arrow_left", "arrow_right"):
            cur = 0 if self.selected is None else self.selected
            self._select(max(0, min(10, cur + (1 if key == "arrow_right" else -1))))
        elif key == "enter" and self.selected is not None:
            self.answer(self.selected)
        else:
            return False
        return True

    def exit(self) -> None:
        self.screen.destroy()


class Calibration(State):
    """Measures the comfortable range of each movement in the plan (one slow movement each)
    and the patient's reach, which places the scene's targets."""

    name = "Calibration"
    STEP_S = 5.5

    def enter(self, **args: Any) -> None:
        super().enter(**args)
        app = self.app
        self.steps = list(dict.fromkeys(i.exercise_id for i in app.plan.items))
        self.cal = Calibrator(tuple(self.steps), *app.feed.size)
        self.step = -1
        self.screen = Screen(app, app.ui, "Let's measure what is comfortable", [],
                             height=0.78, y=0.55, width=3.4)
        self.frame_bar, self.fill = app.ui.bar(self.screen.root, 2.4, 0.05, (0.0, 0.22))
        self.done_at: float | None = None
        app.use_scene(app.plan.items[0].scene)
        app.avatar_visible(True)
        self._next()

    def _next(self) -> None:
        self.step += 1
        self.step_t = 0.0
        if self.step < len(self.steps):
            from tracking.exercise.library import get_spec
            from tracking.exercise.placement import placement_advice
            ex = self.steps[self.step]
            spec = get_spec(ex)
            first = "left" if spec.sides == "both" else None
            self.screen.set_title(f"{spec.name}: once, slowly")
            advice = placement_advice(spec, first)
            self.screen.set_lines([ln for ln in (advice, spec.description
                                                 or "Move as far as is comfortable.") if ln])
            self.app.act(Activity("exercise", ex, side=first, fault_every=0, reps=1))
        else:
            ranges = self.cal.comfortable_range()
            reach = self.cal.reach()
            self.app.set_calibration(reach, ranges)
            from tracking.exercise.library import get_spec
            msg = ", ".join(f"{get_spec(k).name.lower()} {v:.0f}\u00b0" for k, v in ranges.items())
            self.screen.set_title("Thank you!")
            self.screen.set_lines([f"Comfortable range: {msg}" if msg else "Ready."])
            self.app.act(Activity("stand"))
            self.done_at = self.t

    def update(self, t_s: float, dt: float, sample: FeedSample) -> None:
        super().update(t_s, dt, sample)
        self.step_t += dt
        if sample.frame is not None:
            self.app.show_pose(sample.frame)
        if self.done_at is not None:
            if self.t - self.done_at > 1.5:
                self.app.start_item(0)
            return
        if sample.frame is not None:
            self.cal.add(sample.frame, self.steps[self.step])
        self.fill.setSx(max(0.001, min(1.0, self.step_t / self.STEP_S)))
        if self.step_t >= self.STEP_S:
            self._next()

    def on_key(self, key: str) -> bool:
        if key == "enter" and self.done_at is None:
            self._next()
            return True
        return False

    def exit(self) -> None:
        self.screen.destroy()
