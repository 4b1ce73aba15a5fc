"""The exercise state: tracking events drive the counter, cues, hold timer, pop-ups, sounds,
the avatar, the scene and the session log."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from game.bridge import (AngleReading, Bridge, FaultsSeen, HoldCompleted, HoldProgress,
                         PersonFound, PersonLost, RepCompleted, make_tracker)
from game.feedback import praise_for_score
from game.input import Activity, FeedSample
from game.progression import targets_for_level
from game.states.base import State
from game.states.session import PlanItem, SetLog


@dataclass(frozen=True)
class FormFault:
    """A cue was shown (scenes react to this by class name)."""
    fault: str
    cue: str


@dataclass(frozen=True)
class SetCompleted:
    exercise_id: str
    set_no: int
    reps: int
    mean_score: float


@dataclass
class SetRun:
    """One set in progress (kept across a pause)."""
    item: PlanItem
    set_no: int
    bridge: Bridge
    log: SetLog
    target_deg: float
    hold_shown: bool = False


def target_for(item: PlanItem, comfortable: float | None) -> tuple[float, float]:
    """(target fraction of the spec's range, target angle): the level's share of the range,
    never beyond the calibrated comfortable range."""
    from game.bridge import LOCAL_EXERCISES
    spec = LOCAL_EXERCISES[item.exercise_id]
    frac = targets_for_level(item.level, item.cap).range_fraction
    if comfortable is not None and comfortable > spec.start_deg + 10:
        frac = min(frac, (comfortable - spec.start_deg) / (spec.target_deg - spec.start_deg))
    frac = max(0.3, frac)
    return frac, spec.start_deg + frac * (spec.target_deg - spec.start_deg)


class Exercise(State):
    name = "Exercise"
    resumable = True

    def enter(self, **args: Any) -> None:
        super().enter(**args)
        app = self.app
        if not args.get("resumed") or app.set_run is None:
            item = app.plan.items[app.item_index]
            frac, target = target_for(item, app.comfortable.get(item.exercise_id))
            log = SetLog(item.exercise_id, app.set_no, item.reps)
            app.log.sets.append(log)
            app.set_run = SetRun(item, app.set_no, Bridge(make_tracker(item.exercise_id, frac)),
                             log, target)
            app.cues.reset()
            self.left_once = False
        run = app.set_run
        app.use_scene(run.item.scene)
        if app.scene is not None:
            app.scene.set_exercise(run.item.exercise_id)
        app.hud.set_visible(True)
        app.hud.set_exercise(run.item.name, run.set_no, run.item.sets, run.item.level)
        app.hud.set_count(len(run.log.reps), run.item.reps)
        app.hud.set_cue(None)
        app.hud.set_hold(None, None)
        app.avatar_visible(True)
        self.faults: tuple[str, ...] = ()
        app.act(Activity("exercise", run.item.exercise_id))

    def update(self, t_s: float, dt: float, sample: FeedSample) -> None:
        super().update(t_s, dt, sample)
        app, run = self.app, self.app.set_run
        for ev in run.bridge.step(sample.frame, t_s):
            self.handle(ev, t_s)
            if app.flow.state != "Exercise":
                return
        app.hud.update(dt)
        if sample.frame is not None:
            app.show_pose(sample.frame, self.faults, run.item.exercise_id, run.target_deg)
        # the unattended demo steps out of view once, to show the automatic pause
        if app.settings.unattended and not getattr(self, "left_once", True) \
                and app.item_index == 0 and run.set_no == 1 and len(run.log.reps) == 2:
            self.left_once = True
            app.act(Activity("leave"))

    def handle(self, ev: Any, t_s: float) -> None:
        app, run = self.app, self.app.set_run
        scene = app.scene
        if isinstance(ev, AngleReading):
            app.hud.set_range(ev.progress)
        elif isinstance(ev, FaultsSeen):
            self.faults = tuple(f.fault for f in ev.faults)
            d = app.cues.update(t_s, list(ev.faults))
            app.hud.set_cue(d.cue)
            if d.started and d.cue:
                app.sounds.play("warning")
                app.log.cues.append(d.cue)
                if scene is not None:
                    scene.on_event(FormFault(d.fault or "", d.cue))
        elif isinstance(ev, HoldProgress):
            app.hud.set_hold(ev.elapsed_s, ev.target_s)
            if scene is not None:
                scene.on_event(ev)
        elif isinstance(ev, HoldCompleted):
            app.sounds.play("hold_done")
            if scene is not None:
                scene.on_event(ev)
        elif isinstance(ev, RepCompleted):
            run.log.reps.append(ev)
            app.hud.set_count(len(run.log.reps), run.item.reps)
            app.hud.set_hold(None, None)
            app.hud.popup(f"{ev.score:.0f}  {praise_for_score(ev.score)}", ev.stars)
            app.sounds.play("rep")
            if scene is not None:
                scene.on_event(ev)
            if len(run.log.reps) >= run.item.reps:
                run.log.completed = True
                done = SetCompleted(run.item.exercise_id, run.set_no, len(run.log.reps),
                                    run.log.mean_score)
                if scene is not None:
                    scene.on_event(done)
                app.sounds.play("set_done")
                app.flow.go("SetSummary")
        elif isinstance(ev, PersonLost):
            app.flow.pause("out of view")
        elif isinstance(ev, PersonFound):
            pass

    def exit(self) -> None:
        self.app.hud.set_visible(False)
