"""What volunteers receive as files and lessons: the .ics of a session (parsed the way
calendars do, the time right for Almaty), the PDF certificate (rendered, not blank, its text
layer holding the name with its Kazakh letters), and the weekly lessons (both languages,
within Telegram's limits)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pypdfium2
import pytest
from aiogram.utils.i18n import I18n
from PIL import ImageStat

from bot.db.repositories.trainings import Training
from bot.services.volunteers.lessons import LessonFileError, all_lessons, parse_lesson
from bot.services.volunteers.recognition import LetterDocument
from bot.views.volunteers.certificate import certificate_pdf
from bot.views.volunteers.ics import fold, training_calendar
from bot.views.volunteers.notices import render

TELEGRAM_TEXT_LIMIT = 4096
ALMATY = ZoneInfo("Asia/Almaty")


def session(**changes: object) -> Training:
    values: dict = {
        "title_kk": "Мемлекеттік сатып алу порталымен жұмыс; бірінші сабақ, кіріспе",
        "title_ru": "Работа с порталом госзакупок",
        "description_kk": "Шартты қалай табу керек.\nТізілімді қалай оқу керек.",
        "description_ru": "Как найти договор.",
        "starts_at": "2026-12-05T14:00:00Z",  # 19:00 in Almaty
        "minutes": 90,
        "place": "https://meet.example.org/adal-training",
        "region": "KZ-27",
        "capacity": 30,
        "unlocks": "procurement",
        "creator": 1,
        "id": 7,
        "status": "scheduled",
        "sequence": 2,
        "created_at": "2026-11-20T10:00:00Z",
    }
    values.update(changes)
    return Training(**values)


def test_the_calendar_file_parses_and_shows_almaty_time() -> None:
    training = session()
    raw = training_calendar(
        training, "kk", datetime(2026, 11, 23, 9, 0, tzinfo=UTC), training.description_kk
    )
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(raw)
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND")
    assert start.astimezone(ALMATY).replace(tzinfo=None) == datetime(2026, 12, 5, 19, 0)
    assert end - start == timedelta(minutes=90)
    assert str(event["SUMMARY"]) == training.title_kk  # the ";" and "," came back intact
    assert str(event["DESCRIPTION"]) == training.description_kk
    assert str(event["UID"]) == "adal-training-7@adal"
    assert int(event["SEQUENCE"]) == 2
    assert str(event["URL"]) == training.place
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]


def test_an_address_is_a_location_not_a_link() -> None:
    training = session(place="Орал қ., Достық даңғылы, 185; 3-қабат")
    raw = training_calendar(training, "ru", datetime.now(UTC), training.description_ru)
    (event,) = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["LOCATION"]) == training.place
    assert "URL" not in event
    assert str(event["SUMMARY"]) == training.title_ru


def test_folding_never_splits_a_letter() -> None:
    line = "DESCRIPTION:" + "әқңөұүһі" * 40
    folded = fold(line).encode()
    pieces = folded.split(b"\r\n")
    assert all(len(piece) <= 75 for piece in pieces)
    assert all(piece.decode("utf-8") for piece in pieces)  # each piece is valid UTF-8
    assert b"".join(p[1:] if i else p for i, p in enumerate(pieces)).decode() == line


LETTER = LetterDocument(
    name="Әсел Құрманғалиқызы",
    region="KZ-27",
    reason="Зачаганск кентіндегі мектеп құрылысын үш ай бойы бақылағаны үшін",
    awarded_on=date(2026, 11, 23),
    findings=3,
    trainings=1,
)


@pytest.mark.parametrize("locale", ["kk", "ru"])
def test_the_certificate_renders_with_the_name_in_its_text_layer(i18n: I18n, locale: str) -> None:
    with i18n.context(), i18n.use_locale(locale):
        data = certificate_pdf(LETTER, locale)
    assert data.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(io.BytesIO(data))
    try:
        assert len(pdf) == 1
        page = pdf[0]
        image = page.render(scale=1).to_pil().convert("L")
        stat = ImageStat.Stat(image)
        assert stat.stddev[0] > 20  # not a blank page
        dark = sum(image.histogram()[:128])
        assert dark > 0.005 * image.width * image.height
        text = page.get_textpage().get_text_range()
    finally:
        pdf.close()
    assert "Әсел Құрманғалиқызы" in text
    assert "Зачаганск" in text
    assert ("2026" in text) and ("23" in text)


def test_every_lesson_has_both_languages_and_fits_a_message(i18n: I18n) -> None:
    lessons = all_lessons()
    assert len(lessons) >= 4
    assert lessons[0].key.startswith("01")  # the first: finding a contract on the portal
    for lesson in lessons:
        for locale in ("kk", "ru"):
            assert lesson.title(locale) and lesson.text(locale)
            with i18n.context(), i18n.use_locale(locale):
                text, _ = render({"kind": "vol_lesson", "lesson": lesson.key}, locale)
            assert len(text) <= TELEGRAM_TEXT_LIMIT, (lesson.key, locale, len(text))
        assert lesson.titles["kk"] != lesson.titles["ru"]
        assert any(ch in lesson.texts["kk"] for ch in "әғқңөұүһі")  # written in Kazakh


def test_a_lesson_file_without_a_language_is_refused() -> None:
    with pytest.raises(LessonFileError):
        parse_lesson("x", '[kk]\ntitle = "Т"\ntext = "Мәтін"\n')
    with pytest.raises(LessonFileError):
        parse_lesson("x", '[kk]\ntitle = "Т"\ntext = " "\n[ru]\ntitle = "Т"\ntext = "Т"\n')
