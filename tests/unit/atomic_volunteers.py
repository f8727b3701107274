"""The volunteering actions for tests/unit/test_atomic_actions.py: each one is failed after
each of its writes there, and must leave all of its rows or none.

`world` is that module's World (services, keyring, db, moderator()); the template database
gets, on top of its cases: two active volunteers of KZ-27, one applicant, a task in the pool,
a task made from case 1 and not given yet, and a training session with one seat.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.db.repositories.reports import EvidenceFile
from bot.services.dates import to_db
from bot.services.volunteers.people import Application
from bot.services.volunteers.tasks import TaskDraft
from bot.services.volunteers.trainings import TrainingDraft

VOL1, VOL2, APPLICANT, NEWCOMER = 701, 702, 703, 704


def _v(world: Any) -> Any:
    return world.services.volunteering


def _application(
    name: str, skills: tuple[str, ...] = ("construction", "procurement")
) -> Application:
    return Application(
        name=name, region="KZ-27", phone="+77011234567", skills=skills, availability=("weekends",)
    )


async def _volunteer(world: Any, telegram_id: int) -> Any:
    found = await _v(world).people.get(world.keyring.pseudonym(telegram_id))
    assert found is not None
    return found


def _in(days: float) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


async def volunteer_scenario(world: Any) -> None:
    v = _v(world)
    services = world.services
    moderator = await world.moderator()
    for telegram_id in (VOL1, VOL2, APPLICANT, NEWCOMER):
        await services.users.choose_locale(telegram_id, telegram_id, "kk")
    for telegram_id, name in ((VOL1, "Әлия Сәрсен"), (VOL2, "Ерлан Жұмабек")):
        applied = await v.people.apply(world.keyring.pseudonym(telegram_id), _application(name))
        await v.people.approve(moderator, applied)
    await v.people.apply(world.keyring.pseudonym(APPLICANT), _application("Дина Оспан"))
    await v.tasks.create(
        moderator,
        TaskDraft("Мектеп", "Сырттан суретке түсіріңіз.", "KZ-27", "construction", _in(5)),
        publish=True,
    )
    await v.tasks.create(
        moderator,
        TaskDraft("Жол", "Жолды тексеріңіз.", "KZ-27", "construction", _in(5), source_case=1),
    )
    await v.trainings.create(
        moderator,
        TrainingDraft(
            "Портал",
            "Портал",
            "Сабақ.",
            "Занятие.",
            _in(3),
            90,
            "Орал",
            "KZ-27",
            1,
            "procurement",
        ),
    )


# Actions


async def _apply(world: Any) -> Any:
    return await _v(world).people.apply(
        world.keyring.pseudonym(NEWCOMER), _application("Нұрлан Ахмет")
    )


async def _approve(world: Any) -> Any:
    return await _v(world).people.approve(
        await world.moderator(), await _volunteer(world, APPLICANT)
    )


async def _reject(world: Any) -> Any:
    return await _v(world).people.reject(
        await world.moderator(), await _volunteer(world, APPLICANT), "Әзірге орын жоқ."
    )


async def _pause(world: Any) -> Any:
    return await _v(world).people.pause(await _volunteer(world, VOL1))


async def _resume(world: Any) -> Any:
    return await _v(world).people.resume(await _volunteer(world, VOL1))


async def _leave(world: Any) -> Any:
    return await _v(world).people.leave(await _volunteer(world, VOL1))


async def _delete(world: Any) -> Any:
    return await _v(world).people.delete(await _volunteer(world, VOL1))


async def _show_name(world: Any) -> Any:
    return await _v(world).people.set_show_name(await _volunteer(world, VOL1), True)


async def _task_publish(world: Any) -> Any:
    draft = TaskDraft("Тексеру", "Барып көріңіз.", "KZ-27", "construction", _in(4))
    return await _v(world).tasks.create(await world.moderator(), draft, publish=True)


async def _task_assign(world: Any) -> Any:
    draft = TaskDraft("Тексеру", "Барып көріңіз.", "KZ-27", "construction", _in(4))
    return await _v(world).tasks.create(
        await world.moderator(), draft, assign_to=await _volunteer(world, VOL2)
    )


async def _claim(world: Any) -> Any:
    return await _v(world).tasks.claim(await _volunteer(world, VOL1), 1)


async def _task(world: Any, telegram_id: int, task_id: int = 1) -> tuple[Any, Any]:
    volunteer = await _volunteer(world, telegram_id)
    return volunteer, await _v(world).tasks.for_volunteer(volunteer, task_id)


async def _accept_offer(world: Any) -> Any:
    return await _v(world).tasks.accept(*await _task(world, VOL2, 2))


async def _decline(world: Any) -> Any:
    return await _v(world).tasks.decline(*await _task(world, VOL1), "Уақытым жоқ.")


async def _progress(world: Any) -> Any:
    return await _v(world).tasks.progress(*await _task(world, VOL1), "Ертең барамын.")


async def _submit(world: Any) -> Any:
    volunteer, task = await _task(world, VOL1)
    files = [EvidenceFile("photo", "PHOTO-V1", "image/jpeg", True)]
    return await _v(world).tasks.submit(volunteer, task, "Құрылыс тоқтап тұр.", files)


async def _admin_task(world: Any, task_id: int) -> tuple[Any, Any]:
    moderator = await world.moderator()
    task = await _v(world).tasks.for_moderator(moderator, task_id, action="t", actor_key=None)
    return moderator, task


async def _accept_findings(world: Any) -> Any:
    return await _v(world).tasks.accept_findings(*await _admin_task(world, 1))


async def _return_findings(world: Any) -> Any:
    return await _v(world).tasks.return_findings(*await _admin_task(world, 1), "Сурет қосыңыз.")


async def _attach(world: Any) -> Any:
    return await _v(world).tasks.attach_to_case(*await _admin_task(world, 2))


async def _task_cancel(world: Any) -> Any:
    return await _v(world).tasks.cancel(*await _admin_task(world, 1))


async def _training_new(world: Any) -> Any:
    draft = TrainingDraft(
        "Құрылыс", "Стройка", "Сабақ.", "Занятие.", _in(6), 60, "Орал", "KZ-27", 30
    )
    return await _v(world).trainings.create(await world.moderator(), draft)


async def _session(world: Any, telegram_id: int) -> tuple[Any, Any]:
    volunteer = await _volunteer(world, telegram_id)
    return volunteer, await _v(world).trainings.for_volunteer(volunteer, 1)


async def _join(world: Any) -> Any:
    return await _v(world).trainings.join(*await _session(world, VOL1))


async def _wait(world: Any) -> Any:
    return await _v(world).trainings.wait(*await _session(world, VOL2))


async def _cant(world: Any) -> Any:
    return await _v(world).trainings.cant(*await _session(world, VOL1))


async def _admin_session(world: Any) -> tuple[Any, Any]:
    moderator = await world.moderator()
    training = await _v(world).trainings.for_moderator(moderator, 1, action="t", actor_key=None)
    return moderator, training


async def _move(world: Any) -> Any:
    return await _v(world).trainings.move(*await _admin_session(world), _in(4))


async def _training_cancel(world: Any) -> Any:
    return await _v(world).trainings.cancel(*await _admin_session(world))


async def _mark(world: Any) -> Any:
    moderator, training = await _admin_session(world)
    volunteer = await _volunteer(world, VOL1)
    return await _v(world).trainings.mark(moderator, training, volunteer.id, True)


async def _letter(world: Any) -> Any:
    return await _v(world).recognition.award(
        await world.moderator(), await _volunteer(world, VOL1), "Белсенді жұмыс үшін."
    )


async def _training_reminders(world: Any) -> Any:
    return await _v(world).reminders.send_training_reminders()


async def _task_reminders(world: Any) -> Any:
    return await _v(world).reminders.send_task_reminders()


async def _lesson(world: Any) -> Any:
    return await _v(world).reminders.send_lesson(datetime.now(UTC).date())


# Setups: what must be true before the action (not counted, not failed)


async def _pause_setup(world: Any) -> None:
    await _pause(world)


async def _claim_setup(world: Any) -> None:
    await _claim(world)


async def _offer_setup(world: Any) -> None:
    moderator, task = await _admin_task(world, 2)
    await _v(world).tasks.assign(moderator, task, await _volunteer(world, VOL2))


async def _submitted_setup(world: Any) -> None:
    await _claim(world)
    await _submit(world)


async def _done_from_case_setup(world: Any) -> None:
    await _offer_setup(world)
    await _accept_offer(world)
    volunteer, task = await _task(world, VOL2, 2)
    await _v(world).tasks.submit(volunteer, task, "Жол жөнделмеген.", [])
    await _v(world).tasks.accept_findings(*await _admin_task(world, 2))


async def _join_setup(world: Any) -> None:
    await _join(world)


async def _full_setup(world: Any) -> None:
    await _join(world)
    await _v(world).trainings.join(*await _session(world, VOL2))  # "full": nothing written


async def _promote_setup(world: Any) -> None:
    await _full_setup(world)
    await _wait(world)


async def _started_setup(world: Any) -> None:
    await _join(world)
    await world.db.execute("UPDATE trainings SET starts_at = ?", (to_db(_in(-0.01)),))


async def _soon_setup(world: Any) -> None:
    await _join(world)
    await world.db.execute("UPDATE trainings SET starts_at = ?", (to_db(_in(0.5)),))


async def _deadline_setup(world: Any) -> None:
    await _claim(world)
    await world.db.execute("UPDATE volunteer_tasks SET deadline = ?", (to_db(_in(0.5)),))


Owed = dict[str, int]
VOLUNTEER_ACTIONS: dict[str, tuple[Any, Owed]] = {
    # the row, its audit line, a card for each moderator covering KZ-27 (two)
    "vol_apply": (_apply, {"volunteers": 1, "audit_log": 1, "outbox": 2}),
    "vol_approve": (_approve, {"audit_log": 1, "outbox": 1}),
    "vol_reject": (_reject, {"audit_log": 1, "outbox": 1}),
    "vol_pause": (_pause, {"audit_log": 1}),
    "vol_resume": (_resume, {"audit_log": 1}),
    "vol_leave": (_leave, {"audit_log": 1, "task_events": 1, "outbox": 1}),  # held task back
    # gone; its held task back (history, the creator told); one more anonymous count
    "vol_delete": (
        _delete,
        {"volunteers": -1, "audit_log": 1, "task_events": 1, "outbox": 1, "volunteer_counts": 1},
    ),
    "vol_show_name": (_show_name, {"audit_log": 1}),
    # made, published; two volunteers with the skill told
    "task_publish": (
        _task_publish,
        {"volunteer_tasks": 1, "task_events": 2, "audit_log": 2, "outbox": 2},
    ),
    "task_assign": (
        _task_assign,
        {"volunteer_tasks": 1, "task_events": 2, "audit_log": 2, "outbox": 1},
    ),
    "task_claim": (_claim, {"task_events": 1, "audit_log": 1, "outbox": 1}),
    "task_accept_offer": (_accept_offer, {"task_events": 1, "audit_log": 1, "outbox": 1}),
    "task_decline": (_decline, {"task_events": 1, "audit_log": 1, "outbox": 1}),
    "task_progress": (_progress, {"task_events": 1, "audit_log": 1, "outbox": 1}),
    "task_submit": (
        _submit,
        {"task_findings": 1, "finding_files": 1, "task_events": 1, "audit_log": 1, "outbox": 1},
    ),
    "task_accept_findings": (
        _accept_findings,
        {"task_events": 1, "audit_log": 1, "volunteer_counts": 1, "outbox": 1},
    ),
    "task_return_findings": (_return_findings, {"task_events": 1, "audit_log": 1, "outbox": 1}),
    "task_attach": (_attach, {"report_notes": 1, "audit_log": 2}),
    "task_cancel": (_task_cancel, {"task_events": 1, "audit_log": 1, "outbox": 1}),
    # the session, its audit line, invitations to both active volunteers
    "training_new": (_training_new, {"trainings": 1, "audit_log": 1, "outbox": 2}),
    "training_join": (_join, {"training_seats": 1, "audit_log": 1, "outbox": 1}),  # + .ics
    "training_wait": (_wait, {"training_seats": 1, "audit_log": 1}),
    # a seat freed: given to the first waiting, who is told and gets the .ics
    "training_cant": (_cant, {"audit_log": 2, "outbox": 2}),
    # told; the .ics still waiting from the join is asked for again (same row, new time)
    "training_move": (_move, {"audit_log": 1, "outbox": 1}),
    "training_cancel": (_training_cancel, {"audit_log": 1, "outbox": 1}),
    "training_mark": (
        _mark,
        {"volunteer_unlocks": 1, "volunteer_counts": 1, "audit_log": 1, "outbox": 1},
    ),
    "letter": (
        _letter,
        {"thank_you_letters": 1, "audit_log": 1, "volunteer_counts": 1, "outbox": 1},
    ),
    # "24h" sent, recorded, to the one who joined
    "training_reminders": (_training_reminders, {"reminders_sent": 1, "outbox": 1}),
    # the 48 h and 24 h reminders both fall due: both recorded, the latest sent
    "task_reminders": (_task_reminders, {"reminders_sent": 2, "outbox": 1}),
    "lesson": (_lesson, {"reminders_sent": 1, "outbox": 2}),
}

VOLUNTEER_SETUPS = {
    "vol_resume": _pause_setup,
    "vol_leave": _claim_setup,
    "vol_delete": _claim_setup,
    "task_accept_offer": _offer_setup,
    "task_decline": _claim_setup,
    "task_progress": _claim_setup,
    "task_submit": _claim_setup,
    "task_accept_findings": _submitted_setup,
    "task_return_findings": _submitted_setup,
    "task_attach": _done_from_case_setup,
    "task_cancel": _claim_setup,
    "training_wait": _full_setup,
    "training_cant": _promote_setup,
    "training_move": _join_setup,
    "training_cancel": _join_setup,
    "training_mark": _started_setup,
    "training_reminders": _soon_setup,
    "task_reminders": _deadline_setup,
}
