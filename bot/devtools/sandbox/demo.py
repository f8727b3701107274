"""``--demo``: a few dozen made-up cases so that /queue, /stats and the cards show something.

Generated from the templates below with a fixed random seed: every case is invented (places
are real towns, the stories are typical of what volunteers report, no real case is copied),
and each description says that it is demo data. The cases are filed and moderated through the
services, as the bot itself would, with the clock set back: filed over the last five months,
taken, questioned, forwarded, resolved, rejected or marked duplicate like real work would go.
The freshest open cases are announced to the moderators' group as cards. One training session,
three days ahead, is announced to the volunteers' group (VOLUNTEER_CHAT_ID), and its
reminders come when they fall due while the sandbox runs. The editor has published one news
item for all regions, so the news channel (NEWS_CHANNELS) holds it in both languages.

Coupling to the bot (the second of the two places, with runner.py): this module takes the
app's services from ``bot.factory.create_services`` on a clock it can set, and calls
``ReportService.submit``, ``UserService.ensure``, ``ModerationService.moderator / take / ask /
set_status``, ``TrainingService.create`` and ``NewsService.create / set_field / publish``.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.config import Settings
from bot.db.connection import Database

REPORTS = 36
SEED = 20_240_301
CARDS = 5  # the freshest open cases get a card in the group
FIRST_REPORTER_ID = 7_100_000_001
DAYS_BACK = 150

# (region, Kazakh place name, Russian place name); the first regions come up more often.
PLACES = (
    ("KZ-27", "Орал", "Уральск"),
    ("KZ-27", "Ақсай", "Аксай"),
    ("KZ-27", "Тасқала", "Таскала"),
    ("KZ-27", "Шыңғырлау", "Чингирлау"),
    ("KZ-75", "Алматы, Алатау ауданы", "Алматы, Алатауский район"),
    ("KZ-75", "Алматы, Наурызбай ауданы", "Алматы, Наурызбайский район"),
    ("KZ-71", "Астана, Есіл ауданы", "Астана, район Есиль"),
    ("KZ-23", "Атырау", "Атырау"),
    ("KZ-23", "Құлсары", "Кульсары"),
    ("KZ-79", "Шымкент, Абай ауданы", "Шымкент, Абайский район"),
    ("KZ-15", "Қандыағаш", "Кандыагаш"),
    ("KZ-35", "Теміртау", "Темиртау"),
    ("KZ-61", "Сарыағаш", "Сарыагаш"),
    ("KZ-63", "Риддер", "Риддер"),
    ("KZ-31", "Қаратау", "Каратау"),
    ("KZ-47", "Жаңаөзен", "Жанаозен"),
)
# area -> (Kazakh story, Russian story); written for this demo, not taken from any case.
STORIES = {
    "land": (
        "Ауыл шетіндегі жайылымдық жер аукционсыз бір шаруа қожалығына берілді. Тұрғындардың "
        "мал жаятын жері қалмады, ал жер телімі кімге, қандай шешіммен берілгені айтылмайды.",
        "Пастбище у села передали одному крестьянскому хозяйству без аукциона. Жителям "
        "негде пасти скот, а на основании какого решения отдан участок, не объясняют.",
    ),
    "infrastructure": (
        "Көктемде жөнделген көше үш айдан кейін қайта ойылып қалды. Актіде жазылған асфальт "
        "қалыңдығы іс жүзіндегіден екі есе көп, мердігер ақшаны толық алған.",
        "Улицу, отремонтированную весной, через три месяца снова размыло. В акте толщина "
        "асфальта вдвое больше настоящей, подрядчик получил деньги полностью.",
    ),
    "education": (
        "Мектеп құрылысы екінші жыл тұр, бірақ мердігерге ақшаның басым бөлігі төленіп қойған. "
        "Балалар әлі де үш ауысыммен ескі ғимаратта оқиды.",
        "Стройка школы стоит второй год, хотя подрядчику уже выплачена большая часть денег. "
        "Дети по-прежнему учатся в старом здании в три смены.",
    ),
    "ecology": (
        "Кәсіпорын түнде қалдықтарын өзен жағасына төгеді, ал тексеру келетін күні бәрі "
        "тазаланып қояды. Тексеру күнін біреу алдын ала айтып қоятын сияқты.",
        "Предприятие по ночам сбрасывает отходы у реки, а ко дню проверки всё убирают. "
        "Похоже, что о проверке их кто-то заранее предупреждает.",
    ),
    "agriculture": (
        "Субсидия алған шаруашылықта құжаттағы мал басы жоқ: қорада елу бас та жоқ, ал "
        "есепте үш жүз бас көрсетілген.",
        "Хозяйство получило субсидии на поголовье, которого нет: в загоне не наберётся и "
        "пятидесяти голов, а в отчёте указано триста.",
    ),
    "social": (
        "Аз қамтылған отбасыларға арналған көмек тізіміне әкімдік қызметкерлерінің туыстары "
        "енгізілген, ал көп балалы отбасыларға орын жетпеді деп жауап берілді.",
        "В список помощи малообеспеченным семьям включили родственников сотрудников "
        "акимата, а многодетным семьям ответили, что мест не осталось.",
    ),
    "business": (
        "Тексеруші кәсіпкерден «айыппұлсыз шешу» үшін ақша сұрады, әйтпесе дүкенді жабамын "
        "деп қорқытты. Сөйлесу дүкеннің камерасына түскен.",
        "Проверяющий попросил у предпринимателя деньги, чтобы «решить без штрафа», и грозил "
        "закрыть магазин. Разговор попал на камеру в магазине.",
    ),
    "procurement": (
        "Мемлекеттік сатып алудағы техникалық сипаттама бір ғана жеткізушіге бейімделіп "
        "жазылған: тауардың өлшемі мен түсі бір фирманың каталогынан көшірілген.",
        "Техническая спецификация госзакупки написана под одного поставщика: размеры и цвет "
        "товара переписаны из каталога одной фирмы.",
    ),
    "healthcare": (
        "Емханада тегін болуы тиіс талдаулар үшін қолма-қол ақша алады, түбіртек бермейді. "
        "Ақша бермесең, кезек екі айдан кейін ғана келеді дейді.",
        "В поликлинике за анализы, которые должны быть бесплатными, берут наличные без чека. "
        "Без денег, говорят, очередь подойдёт только через два месяца.",
    ),
    "public_services": (
        "Халыққа қызмет көрсету орталығында құжатты тез рәсімдеу үшін есік алдындағы делдалдар "
        "арқылы ақша алынады, ал кезекпен келгендерге «жүйе істемейді» дейді.",
        "В ЦОНе за быстрое оформление документов берут деньги через посредников у входа, а "
        "тем, кто пришёл по очереди, говорят, что «система не работает».",
    ),
    "law_enforcement": (
        "Жол полициясының қызметкері хаттама толтырмай, қолма-қол ақша алып, жүргізушіні "
        "жіберіп жіберді. Көліктің тіркеу белгісі мен уақыты есте қалды.",
        "Сотрудник дорожной полиции взял наличные, не составив протокол, и отпустил водителя. "
        "Номер машины и время запомнились.",
    ),
    "quasi_public": (
        "Ұлттық компанияның еншілес ұйымы қызметтерді нарықтан үш есе қымбат бағамен "
        "басшының туысына тиесілі фирмадан сатып алады.",
        "Дочерняя организация нацкомпании покупает услуги втрое дороже рынка у фирмы, "
        "которая принадлежит родственнику руководителя.",
    ),
}
DEMO_MARK = (
    "Бұл — демо-деректер: өтініш ойдан құрастырылған.",
    "Это демо-данные: обращение вымышлено.",
)
INVOLVED = (
    ("Аудандық әкімдіктің жер қатынастары бөлімі", "Отдел земельных отношений акимата района"),
    ("Мердігер ЖШС директоры", "Директор ТОО-подрядчика"),
    ("Тексеруші инспектор", "Проверяющий инспектор"),
    ("Мекеме басшысының орынбасары", "Заместитель руководителя учреждения"),
)
AMOUNTS = (None, None, 450_000, 2_300_000, 18_000_000, 120_000_000, 2_500_000_000)
QUESTIONS = (
    "Оқиға қай күні болды және куәгерлер бар ма?",
    "Құжаттың көшірмесі немесе фотосы бар ма? Болса, осы жерге жіберіңізші.",
    "Нысанның нақты мекенжайын жазыңызшы.",
)
REJECT_REASONS = (
    "Бұл сыбайлас жемқорлық емес, тұрмыстық дау: сотқа жүгінуге кеңес береміз.",
    "Дәл осы мәселе бойынша тексеру жүріп жатыр.",
)
# The fate of each case, by age: young ones are still open, old ones mostly closed.
YOUNG = ("received", "received", "review", "need_info")
MIDDLE = ("review", "need_info", "forwarded", "forwarded", "rejected", "resolved")
OLD = ("resolved", "resolved", "forwarded", "rejected", "duplicate", "resolved")


# The demo's training session: made up too, and its description says so.
TRAINING: dict[str, Any] = {
    "title_kk": "Мемлекеттік сатып алу порталын тексеруді үйренеміз",
    "title_ru": "Учимся проверять портал госзакупок",
    "description_kk": (
        "Порталдан хабарландыруды қалай табуға, техникалық ерекшелікті қалай оқуға және бір "
        "жеткізушіге арнап жазылған талаптарды қалай байқауға болатынын көрсетеміз. Ноутбук ала "
        "келіңіз.\n\nБұл — демо-деректер: оқу сабағы ойдан құрастырылған."
    ),
    "description_ru": (
        "Покажем, как найти объявление на портале, прочитать техническую спецификацию и "
        "заметить требования, написанные под одного поставщика. Возьмите с собой ноутбук."
        "\n\nЭто демо-данные: занятие вымышлено."
    ),
    "place": "Орал, Достық даңғылы, 184",
    "region": "KZ-27",
    "minutes": 90,
    "capacity": 20,
    "unlocks": "procurement",
}
TRAINING_IN_DAYS = 3
TRAINING_AT_HOUR = 15  # Asia/Almaty
# The editor's news item, for all regions; made up, and it says so.
NEWS = {
    "title_kk": "Теректі ауданындағы мектеп құрылысы қайта басталды",
    "body_kk": (
        "Тұрғындардың өтініштерінен кейін мердігер құрылыс алаңына қайта оралды. Еріктілер "
        "жұмыстың барысын апта сайын тексеріп отырады.\n\nБұл — демо-жаңалық: оқиға ойдан "
        "құрастырылған."
    ),
    "title_ru": "В Теректинском районе возобновили стройку школы",
    "body_ru": (
        "После обращений жителей подрядчик вернулся на стройплощадку. Волонтёры каждую неделю "
        "проверяют, как идут работы.\n\nЭто демо-новость: событие вымышлено."
    ),
}


@dataclass
class Seeded:
    reports: int = 0
    reporter_ids: list[int] = field(default_factory=list)
    reporter_locales: dict[int, str] = field(default_factory=dict)
    training_id: int | None = None
    news_id: int | None = None


class Clock:
    """The time the services see; the demo sets it before each step."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True, slots=True)
class Plan:
    index: int
    filed: datetime
    region: str
    settlement: str
    area: str
    locale: str
    anonymity: str
    fate: str
    with_photo: bool
    involved: str | None
    amount: int | None


def plans(rng: random.Random, now: datetime, count: int = REPORTS) -> list[Plan]:
    """What happens to each case, oldest first."""
    result = []
    areas = sorted(STORIES)
    for index in range(count):
        # More recent than old: a month's /stats should have something to show.
        age = timedelta(hours=3 + (DAYS_BACK * 24 - 3) * rng.random() ** 1.8)
        place = PLACES[min(int(rng.expovariate(0.25)), len(PLACES) - 1)]
        locale = "kk" if index % 2 == 0 else "ru"
        days = age.days
        fate = rng.choice(YOUNG if days < 4 else MIDDLE if days < 40 else OLD)
        who = rng.choice(INVOLVED) if rng.random() < 0.5 else None
        result.append(
            Plan(
                index=index,
                filed=now - age,
                region=place[0],
                settlement=place[1] if locale == "kk" else place[2],
                area=rng.choice(areas),
                locale=locale,
                anonymity=rng.choices(("anonymous", "confidential", "open"), (5, 4, 2))[0],
                fate=fate,
                with_photo=rng.random() < 0.4,
                involved=(who[0] if locale == "kk" else who[1]) if who else None,
                amount=rng.choice(AMOUNTS),
            )
        )
    result.sort(key=lambda plan: plan.filed)
    return result


def demo_photo(rng: random.Random, area: str) -> bytes:
    """A simple drawn picture, clearly not a photo of anything real."""
    from PIL import Image, ImageDraw

    width, height = 640, 480
    image = Image.new("RGB", (width, height), (150, 190, 230))
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(250, 320)
    draw.rectangle((0, horizon, width, height), fill=(170, 150, 110))
    if area in ("ecology", "land", "agriculture"):
        draw.rectangle((0, horizon + 60, width, horizon + 110), fill=(70, 120, 170))
    else:
        left = rng.randint(60, 260)
        top = horizon - rng.randint(120, 200)
        draw.rectangle((left, top, left + 260, horizon), fill=(180, 180, 175))
        for x in range(left + 20, left + 240, 45):
            for y in range(top + 20, horizon - 30, 45):
                draw.rectangle((x, y, x + 25, y + 25), fill=(90, 110, 130))
    draw.rectangle((0, 0, 150, 34), fill=(200, 40, 40))
    draw.text((12, 10), "DEMO / ADAL", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


async def seed(
    settings: Settings,
    db: Database,
    photo: Callable[[bytes], str],
    *,
    moderator_id: int,
    editor_id: int | None = None,
    now: datetime | None = None,
    count: int = REPORTS,
) -> Seeded:
    """File and moderate the demo cases; ``photo`` stores picture bytes, returns a file_id."""
    from bot.crypto import Keyring
    from bot.db.repositories.outbox import OutboxRepository
    from bot.factory import create_services
    from bot.services.drafts import STEPS, Evidence, ReportDraft

    now = now or datetime.now(UTC)
    rng = random.Random(SEED)
    clock = Clock(now)
    assert settings.secret_key is not None
    keyring = Keyring.from_setting(settings.secret_key.get_secret_value())
    # The app's own services, on the demo's clock: each case is filed and moderated at its moment.
    services = create_services(settings, db, keyring, now=clock)
    reports, moderation, users = services.reports, services.moderation, services.users
    outbox_repo = OutboxRepository(db)
    moderator = await moderation.moderator(users.pseudonym(moderator_id))
    if moderator is None:
        raise RuntimeError("the demo needs the sandbox's moderator to exist first")
    alerts = reports.alerts  # the moderators' card for a new case: only the latest few get one
    schedule = plans(rng, now, count)
    open_fates = ("received", "review", "need_info")
    announced = {p.index for p in [p for p in schedule if p.fate in open_fates][-CARDS:]}
    result = Seeded()
    filed: list[tuple[Plan, Any]] = []
    actions: list[tuple[datetime, int, str]] = []
    for plan in schedule:
        reporter_id = FIRST_REPORTER_ID + plan.index
        clock.now = plan.filed
        draft = ReportDraft(
            area=plan.area,
            region=plan.region,
            settlement=plan.settlement,
            description=_description(plan),
            occurred=rng.choice(("today", "week", "month", "earlier")),
            involved=plan.involved,
            amount=plan.amount,
            evidence=[Evidence("photo", photo(demo_photo(rng, plan.area)))]
            if plan.with_photo
            else [],
            anonymity=plan.anonymity,
            phone=f"+7700000{plan.index:04d}" if plan.anonymity == "open" else None,
            done=list(STEPS),
        )
        pseudonym = users.pseudonym(reporter_id)
        if plan.anonymity != "anonymous":
            await users.ensure(reporter_id, reporter_id, plan.locale)
            result.reporter_ids.append(reporter_id)
            result.reporter_locales[reporter_id] = plan.locale
        reports.alerts = alerts if plan.index in announced else None
        submitted = await reports.submit(
            draft, reporter_id, pseudonym, plan.locale, chat_id=reporter_id, message_id=None
        )
        # Made-up reporters have no chat to confirm to: their confirmations are not queued.
        await outbox_repo.drop(submitted.confirmation)
        filed.append((plan, submitted.report))
        actions += _actions(rng, plan, now, len(filed) - 1)
        result.reports += 1
    actions.sort()
    for at, position, step in actions:
        clock.now = at
        plan, report = filed[position]
        report = await reports.get(report.id)
        if step == "take":
            await moderation.take(moderator, report)
        elif step == "ask":
            await moderation.ask(moderator, report, rng.choice(QUESTIONS))
        elif step == "duplicate":
            earlier = filed[rng.randrange(position)][1] if position else None
            if earlier is not None:
                await moderation.set_status(
                    moderator,
                    report,
                    "duplicate",
                    duplicate_of=earlier.case_number,
                )
        elif step == "rejected":
            await moderation.set_status(
                moderator, report, "rejected", reason=rng.choice(REJECT_REASONS)
            )
        else:
            await moderation.set_status(moderator, report, step)
    result.training_id = await _announce_training(services, moderator, settings.timezone)
    if editor_id is not None:
        result.news_id = await _publish_news(services, outbox_repo, editor_id)
    return result


async def _publish_news(services: Any, outbox_repo: Any, editor_id: int) -> int:
    """The editor's item for all regions, published: it goes to the news channel."""
    from bot.services.broadcasts import progress_key
    from bot.services.news import GENERAL_TOPIC

    news, pseudonym = services.news, services.users.pseudonym(editor_id)
    role = await news.role(editor_id, pseudonym)
    if role is None:
        raise RuntimeError("the demo needs the sandbox's editor to exist first")
    item_id = int(await news.create(role, None, GENERAL_TOPIC))
    for name, value in NEWS.items():
        await news.set_field(role, item_id, name, value)
    job = await news.publish(role, item_id, None)
    # Published before the sandbox began, to no subscriber yet: the broadcast is over at once,
    # and its progress message is not sent to an editor who has not opened the chat.
    await services.broadcasts.tick()
    progress = await outbox_repo.find(progress_key(job))
    if progress is not None:
        await outbox_repo.drop(progress.id)
    return item_id


async def _announce_training(services: Any, moderator: Any, zone: str) -> int:
    """The session three days ahead at 15:00 local time: the volunteers' group is invited.
    On the volunteers' own clock, not the demo's: reminders are planned from it."""
    from zoneinfo import ZoneInfo

    from bot.services.volunteers.trainings import TrainingDraft

    trainings = services.volunteering.trainings
    local = ZoneInfo(zone)
    day = (trainings.now().astimezone(local) + timedelta(days=TRAINING_IN_DAYS)).date()
    starts = datetime(day.year, day.month, day.day, TRAINING_AT_HOUR, tzinfo=local)
    draft = TrainingDraft(**TRAINING, starts_at=starts.astimezone(UTC))
    training, _invited = await trainings.create(moderator, draft)
    return int(training.id)


def _description(plan: Plan) -> str:
    kk, ru = STORIES[plan.area]
    story = kk if plan.locale == "kk" else ru
    mark = DEMO_MARK[0] if plan.locale == "kk" else DEMO_MARK[1]
    return f"{story}\n\n{mark}"


def _actions(
    rng: random.Random, plan: Plan, now: datetime, position: int
) -> list[tuple[datetime, int, str]]:
    """The moderator's steps on one case, each at a time between filing and now."""
    steps = {
        "received": [],
        "review": ["take"],
        "need_info": ["take", "ask"],
        "forwarded": ["take", "forwarded"],
        "resolved": ["take", "forwarded", "resolved"],
        "rejected": ["take", "rejected"],
        "duplicate": ["take", "duplicate"],
    }[plan.fate]
    result = []
    at = plan.filed
    room = max(now - plan.filed, timedelta(hours=2))
    for step in steps:
        at = min(at + room * rng.uniform(0.05, 0.3), now - timedelta(minutes=5))
        result.append((at, position, step))
    return result
