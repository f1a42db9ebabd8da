"""The demo programme's people and story, as plain constants: the parks' programme
coordinators, the host offers, the three calls, twenty startups and what each did in each call.
association.residency.demo seeds them through the domain functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from association.demo_parks import FOUNDERS
from association.residency.decisions import Decision

PARKS = {demo.login: demo for demo in FOUNDERS}

# Each park that hosts or sends startups has a programme coordinator (name, title, phone).
COORDINATORS = {
    "astanahub": ("Madina Zhaksylykova", "Residency Programme Coordinator", "+7 7172 64 00 10"),
    "sabahlab": ("Nigar Aliyeva", "Startup Programmes Manager", "+994 12 555 01 20"),
    "htp": ("Bakyt Osmonov", "Head of Resident Services", "+996 312 98 00 30"),
    "bilisimvadisi": ("Burak Aydın", "International Programmes Coordinator", "+90 262 555 00 40"),
    "cyberpark": ("Zeynep Arslan", "Incubation Programme Coordinator", "+90 312 555 00 50"),
    "itpark": ("Sardor Rakhimov", "Soft-Landing Programme Coordinator", "+998 71 200 00 60"),
}
# The printed logins: a founder whose offer waits for an answer, and a host's coordinator.
FOUNDER_LOGIN = "shanyraq"
COORDINATOR_LOGIN = "astanahub"

CURRENT_TITLE = "Digital Nomad 2027, spring"
SPRING_2026_TITLE = "Digital Nomad 2026, spring"
AUTUMN_2025_TITLE = "Digital Nomad 2025, autumn"

RULES = """Startups resident at a member park spend one to six months at another member park.

1. A startup applies once per call, to up to three host parks in order of preference.
2. Its home park endorses the application before any host sees it.
3. Each host decides on its own; an offer stands for 14 days.
4. The startup accepts one offer: it receives a certificate of residency and, where the host
   gives one, a letter of invitation for its visa.
5. At the end, the startup writes a short final report for both parks.
"""


# --- the host parks' offers -----------------------------------------------------------------


@dataclass(frozen=True)
class DemoOffer:
    places: int
    tax_regime: str
    sectors: str
    description: str
    conditions: str
    translations: dict[str, dict[str, str]]
    workspace: bool = True
    visa_support_letter: bool = True
    mentoring: bool = True
    accommodation_help: bool = True


TAX_NOTE = "Tax treatment depends on each company's case: the host's advisers confirm it."

OFFERS = {
    "astanahub": DemoOffer(
        places=2,
        tax_regime="Astana Hub participants are exempt from corporate income tax, VAT and "
        "property tax on their priority ICT activities, and hire foreign specialists under a "
        "simplified work-permit and visa regime.",
        sectors="Fintech\nGovtech\nArtificial intelligence\nLogistics",
        description="A desk in the Astana Hub building at the EXPO site, the Hub's mentors and "
        "its investor days, and introductions to Kazakhstan's banks and state agencies. We "
        "help with a letter of invitation for the visa and with finding a flat nearby.",
        conditions="The startup registers as an Astana Hub participant for the residency "
        "and presents at one demo day. " + TAX_NOTE,
        translations={
            "ru": {
                "description": "Рабочее место в здании Astana Hub на территории ЭКСПО, менторы "
                "и дни инвесторов Хаба, знакомство с банками и государственными органами "
                "Казахстана. Мы поможем с письмом-приглашением для визы и с поиском жилья рядом.",
                "conditions": "На время резидентства стартап регистрируется участником "
                "Astana Hub и выступает на одном демо-дне. Налоговый режим зависит от "
                "конкретной компании: его подтверждают консультанты принимающего парка.",
            },
            "kk": {
                "description": "ЭКСПО аумағындағы Astana Hub ғимаратында жұмыс орны, Хабтың "
                "менторлары мен инвесторлар күндері, Қазақстанның банктерімен және мемлекеттік "
                "органдарымен танысу. Виза үшін шақыру хатын алуға және жақын маңнан пәтер "
                "табуға көмектесеміз.",
                "conditions": "Резиденттік кезеңінде стартап Astana Hub қатысушысы ретінде "
                "тіркеледі және бір демо-күнде өнерін таныстырады. Салық режимі әр компанияның "
                "жағдайына байланысты: оны қабылдаушы парктің кеңесшілері растайды.",
            },
        },
    ),
    "itpark": DemoOffer(
        places=4,
        tax_regime="IT Park residents pay no corporate income tax, VAT or property tax on "
        "their IT activities, and the income tax on their staff's salaries is reduced.",
        sectors="Artificial intelligence\nEdtech\nHealthtech\nE-commerce\nFintech",
        description="A workplace at IT Park's Tashkent campus, mentoring by the park's "
        "acceleration team, access to its export programme and the IT Park Ventures fund's "
        "office hours. We issue a letter of invitation for the visa and book accommodation at "
        "the park's partner residences.",
        conditions="The startup takes part in the park's monthly meetup and reports on its "
        "progress halfway through the residency. " + TAX_NOTE,
        translations={
            "ru": {
                "description": "Рабочее место в ташкентском кампусе IT Park, менторство "
                "команды акселерации парка, доступ к его экспортной программе и консультации "
                "фонда IT Park Ventures. Мы выдаём письмо-приглашение для визы и бронируем "
                "жильё в партнёрских резиденциях парка.",
                "conditions": "Стартап участвует в ежемесячном митапе парка и в середине "
                "резидентства рассказывает о своих результатах. Налоговый режим зависит от "
                "конкретной компании: его подтверждают консультанты принимающего парка.",
            },
            "uz": {
                "description": "IT Parkning Toshkentdagi kampusida ish joyi, park akseleratsiya "
                "jamoasining mentorligi, eksport dasturi va IT Park Ventures fondi "
                "maslahatlari. Viza uchun taklifnoma beramiz va parkning hamkor "
                "turar joylarida joy band qilamiz.",
                "conditions": "Startap parkning oylik uchrashuvida qatnashadi va rezidentlik "
                "yarmida natijalari haqida soʻzlab beradi. Soliq rejimi har bir kompaniyaning "
                "holatiga bogʻliq: uni qabul qiluvchi park maslahatchilari tasdiqlaydi.",
            },
        },
    ),
    "bilisimvadisi": DemoOffer(
        places=2,
        tax_regime="As a technology development zone, Bilişim Vadisi exempts its companies' "
        "software and R&D income earned in the zone from corporate income tax, and software "
        "sold from it from VAT, within the limits of the law.",
        sectors="Industry 4.0\nAutomotive software\nCybersecurity\nInternet of things",
        description="An office in the Kocaeli campus, the zone's prototyping workshop and test "
        "tracks, mentoring by the Vadi's industry partners and introductions to Turkey's "
        "automotive and defence manufacturers. We write a letter of invitation for the visa.",
        conditions="The startup works on site at least three days a week. Accommodation is "
        "not arranged by the park, but we share a list of nearby residences. " + TAX_NOTE,
        accommodation_help=False,
        translations={
            "ru": {
                "description": "Офис в кампусе в Коджаэли, мастерская прототипирования и "
                "испытательные треки зоны, менторство промышленных партнёров парка и "
                "знакомство с автомобильными и оборонными производителями Турции. Мы пишем "
                "письмо-приглашение для визы.",
                "conditions": "Стартап работает на месте не менее трёх дней в неделю. Жильё "
                "парк не подбирает, но даёт список резиденций поблизости. Налоговый режим "
                "зависит от конкретной компании: его подтверждают консультанты "
                "принимающего парка.",
            },
            "tr": {
                "description": "Kocaeli yerleşkesinde ofis, bölgenin prototip atölyesi ve test "
                "pistleri, Vadi'nin sanayi ortaklarından mentorluk ve Türkiye'nin otomotiv ve "
                "savunma üreticileriyle tanışma. Vize için davet mektubu yazıyoruz.",
                "conditions": "Girişim haftada en az üç gün yerinde çalışır. Konaklamayı park "
                "ayarlamaz, ancak yakındaki yurt ve rezidansların listesini paylaşır. Vergi "
                "durumu her şirketin koşullarına bağlıdır: ev sahibi parkın danışmanları "
                "teyit eder.",
            },
        },
    ),
    "htp": DemoOffer(
        places=3,
        tax_regime="High Technology Park residents pay a single tax of 1% of revenue in place "
        "of corporate income tax, VAT and sales tax, and a reduced social contribution for "
        "their staff.",
        sectors="Fintech\nGaming\nOutsourced software development\nCloud services",
        description="A desk at the park's Bishkek office, mentoring by resident companies' "
        "founders, and the park's help with opening a Kyrgyz entity if the startup stays. We "
        "issue a letter of invitation for the visa and help to find a flat.",
        conditions="The startup gives one open talk to the park's residents. " + TAX_NOTE,
        translations={
            "ru": {
                "description": "Рабочее место в бишкекском офисе парка, менторство "
                "основателей компаний-резидентов и помощь парка в открытии кыргызского "
                "юрлица, если стартап останется. Мы выдаём письмо-приглашение для визы и "
                "помогаем найти квартиру.",
                "conditions": "Стартап проводит одно открытое выступление для резидентов "
                "парка. Налоговый режим зависит от конкретной компании: его подтверждают "
                "консультанты принимающего парка.",
            },
            "ky": {
                "description": "Парктын Бишкектеги кеңсесинде иш орду, резидент "
                "компаниялардын негиздөөчүлөрүнүн менторлугу жана стартап калса, Кыргызстанда "
                "юридикалык жак ачууга парктын жардамы. Виза үчүн чакыруу катын беребиз жана "
                "батир табууга жардам беребиз.",
                "conditions": "Стартап парктын резиденттери үчүн бир ачык баяндама жасайт. "
                "Салык режими ар бир компаниянын абалына жараша болот: аны кабыл алуучу "
                "парктын кеңешчилери ырастайт.",
            },
        },
    ),
}


# --- the calls --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCall:
    title: str
    applications_open: date
    applications_close: date
    earliest_start: date
    latest_start: date
    hosts: dict[str, int]  # host park -> places
    closed: bool


def demo_calls(today: date) -> list[DemoCall]:
    """The two closed calls, as they were, and the open one: its window is open whenever the
    demo is seeded (from 18 days ago to the end of January 2027, or 30 days ahead if later)."""
    opens = today - timedelta(days=18)
    closes = max(date(2027, 1, 31), today + timedelta(days=30))
    earliest = max(date(2027, 3, 1), closes + timedelta(days=21))
    return [
        DemoCall(
            AUTUMN_2025_TITLE,
            date(2025, 6, 2),
            date(2025, 7, 31),
            date(2025, 9, 1),
            date(2025, 11, 3),
            {"astanahub": 3, "itpark": 3, "bilisimvadisi": 2},
            closed=True,
        ),
        DemoCall(
            SPRING_2026_TITLE,
            date(2026, 1, 12),
            date(2026, 2, 27),
            date(2026, 3, 2),
            date(2026, 10, 1),
            {"astanahub": 4, "itpark": 4, "htp": 4, "bilisimvadisi": 3},
            closed=True,
        ),
        DemoCall(
            CURRENT_TITLE,
            opens,
            closes,
            earliest,
            earliest + timedelta(days=92),
            {host: offer.places for host, offer in OFFERS.items()},
            closed=False,
        ),
    ]


# --- the startups -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoFounder:
    full_name: str
    nationality: str
    born: date
    role: str


@dataclass(frozen=True)
class DemoStartup:
    login: str  # in its founder's demo address
    name: str
    home: str  # the home park's demo login
    sector: str
    product: str
    stage: str
    founders: tuple[DemoFounder, ...]
    registered: date


def _person(name: str, nationality: str, born: str, role: str) -> DemoFounder:
    return DemoFounder(name, nationality, date.fromisoformat(born), role)


STARTUPS = [
    DemoStartup(
        "qalam",
        "Qalam Labs",
        "astanahub",
        "Edtech",
        "An adaptive mathematics tutor for secondary schools, in Kazakh, Russian and English.",
        "revenue",
        (
            _person("Dana Abenova", "KZ", "1994-03-11", "CEO"),
            _person("Arman Ospanov", "KZ", "1992-08-02", "CTO"),
        ),
        date(2025, 12, 1),
    ),
    DemoStartup(
        "caspiancargo",
        "Caspian Cargo AI",
        "sabahlab",
        "Logistics",
        "Route and load planning for trucking firms on the Middle Corridor, from Baku to Aktau.",
        "prototype",
        (_person("Elvin Guliyev", "AZ", "1991-05-19", "CEO"),),
        date(2026, 10, 20),
    ),
    DemoStartup(
        "registan",
        "Registan Robotics",
        "itpark",
        "Industry 4.0",
        "Low-cost robotic arms and vision software for textile factories.",
        "revenue",
        (
            _person("Bekzod Yusupov", "UZ", "1990-01-27", "CEO"),
            _person("Malika Nazarova", "UZ", "1995-11-09", "CTO"),
        ),
        date(2025, 5, 6),
    ),
    DemoStartup(
        "alatoopay",
        "Ala-Too Pay",
        "htp",
        "Fintech",
        "QR payments and instant invoicing for small shops, linked to Kyrgyz and Kazakh banks.",
        "growth",
        (_person("Aibek Sultanov", "KG", "1989-07-14", "CEO"),),
        date(2025, 5, 12),
    ),
    DemoStartup(
        "agrosense",
        "AgroSense Anatolia",
        "cyberpark",
        "Agritech",
        "Soil-moisture sensors and an irrigation planner for cotton and wheat farms.",
        "prototype",
        (
            _person("Emre Koç", "TR", "1993-02-21", "CEO"),
            _person("Gülnara Aliyeva", "AZ", "1994-06-30", "CTO"),
        ),
        date(2026, 10, 5),
    ),
    DemoStartup(
        "shanyraq",
        "Shanyraq Health",
        "astanahub",
        "Healthtech",
        "Remote monitoring of heart patients after discharge, for regional hospitals.",
        "revenue",
        (_person("Aliya Tulegenova", "KZ", "1991-09-03", "CEO"),),
        date(2025, 5, 2),
    ),
    DemoStartup(
        "karavan",
        "Karavan Games",
        "cyberpark",
        "Gaming",
        "Mobile strategy games set on the Silk Road, in eight Turkic languages.",
        "growth",
        (
            _person("Mert Öztürk", "TR", "1996-04-17", "CEO"),
            _person("Nurbek Asanov", "KG", "1997-12-01", "Lead artist"),
        ),
        date(2025, 12, 8),
    ),
    DemoStartup(
        "absheron",
        "Absheron LegalTech",
        "sabahlab",
        "Legal tech",
        "Contract drafting and review for small companies, in Azerbaijani and English.",
        "prototype",
        (_person("Leyla Mammadli", "AZ", "1992-10-25", "CEO"),),
        date(2026, 10, 12),
    ),
    DemoStartup(
        "silkroad",
        "Silk Road Freight",
        "itpark",
        "Logistics",
        "A marketplace that matches rail containers with shippers between China and Europe.",
        "revenue",
        (_person("Jasur Karimov", "UZ", "1988-03-08", "CEO"),),
        date(2026, 10, 2),
    ),
    DemoStartup(
        "tulpar",
        "Tulpar Drones",
        "htp",
        "Artificial intelligence",
        "Drone surveys of pastures and glaciers, with models that count herds and measure ice.",
        "prototype",
        (
            _person("Kanykei Mamytova", "KG", "1995-05-05", "CEO"),
            _person("Ruslan Ibraimov", "KG", "1993-01-16", "CTO"),
        ),
        date(2026, 10, 9),
    ),
    DemoStartup(
        "sensorworks",
        "Kocaeli SensorWorks",
        "bilisimvadisi",
        "Internet of things",
        "Vibration sensors that predict failures in factory motors and pumps.",
        "revenue",
        (_person("Can Yıldız", "TR", "1990-08-22", "CEO"),),
        date(2025, 12, 15),
    ),
    DemoStartup(
        "pixelferghana",
        "Pixel Ferghana",
        "itpark",
        "E-commerce",
        "Product photography by AI for online sellers of textiles and ceramics.",
        "revenue",
        (_person("Nodira Tashkentova", "UZ", "1996-02-14", "CEO"),),
        date(2025, 12, 10),
    ),
    DemoStartup(
        "ganjasolar",
        "Ganja Solar Grid",
        "sabahlab",
        "Cleantech",
        "Monitoring and billing for rooftop solar on apartment blocks.",
        "prototype",
        (_person("Orkhan Huseynov", "AZ", "1992-12-12", "CEO"),),
        date(2025, 12, 18),
    ),
    DemoStartup(
        "manatflow",
        "Manat Flow",
        "sabahlab",
        "Fintech",
        "Payroll and cross-border salary payments for remote teams.",
        "revenue",
        (_person("Rashad Alizade", "AZ", "1990-06-06", "CEO"),),
        date(2025, 5, 9),
    ),
    DemoStartup(
        "turan",
        "Turan Analytics",
        "astanahub",
        "Artificial intelligence",
        "Demand forecasting for retail chains from their sales and weather data.",
        "growth",
        (
            _person("Yerzhan Bekmukhambetov", "KZ", "1987-04-29", "CEO"),
            _person("Asel Nurlanova", "KZ", "1993-09-18", "CTO"),
        ),
        date(2025, 5, 5),
    ),
    DemoStartup(
        "visionlab",
        "Ankara VisionLab",
        "cyberpark",
        "Artificial intelligence",
        "Computer vision that checks the quality of welds on production lines.",
        "revenue",
        (_person("Selin Aksoy", "TR", "1991-03-03", "CEO"),),
        date(2025, 5, 14),
    ),
    DemoStartup(
        "cloudworks",
        "Bishkek Cloudworks",
        "htp",
        "Cloud services",
        "Managed Kubernetes hosting in Central Asian data centres.",
        "revenue",
        (_person("Timur Dzhaparov", "KG", "1989-11-11", "CEO"),),
        date(2025, 5, 16),
    ),
    DemoStartup(
        "zerafshan",
        "Zerafshan Agro",
        "itpark",
        "Agritech",
        "A mobile market for farmers to sell fruit directly to exporters.",
        "revenue",
        (_person("Sherzod Rakhmatov", "UZ", "1994-07-07", "CEO"),),
        date(2025, 12, 3),
    ),
    DemoStartup(
        "khazarmaps",
        "Khazar Maps",
        "sabahlab",
        "Geospatial",
        "Street-level maps and addresses for delivery services in the Caucasus.",
        "prototype",
        (_person("Aysel Rzayeva", "AZ", "1997-01-22", "CEO"),),
        date(2025, 12, 5),
    ),
    DemoStartup(
        "shifo",
        "Shifo AI",
        "itpark",
        "Healthtech",
        "Reading of chest X-rays by AI, as a second opinion for district clinics.",
        "prototype",
        (
            _person("Farrukh Aliev", "UZ", "1993-05-15", "CEO"),
            _person("Zarina Umarova", "UZ", "1995-08-08", "CMO"),
        ),
        date(2025, 12, 12),
    ),
]
BY_LOGIN = {startup.login: startup for startup in STARTUPS}


# --- each startup's story in a call ---------------------------------------------------------


class Stage:
    """How far an application goes, in order."""

    DRAFT = 0
    SUBMITTED = 1
    ENDORSED = 2  # the hosts review it, and decide as the story says
    ACCEPTED = 3  # the startup accepted its offer: an upcoming residency
    CHECKED_IN = 4
    COMPLETED = 5  # checked out at its planned end, with its final report


@dataclass(frozen=True)
class Story:
    startup: str
    call: str
    hosts: tuple[str, ...]  # in order of preference
    stage: int
    starts_on: date | None = None  # None: the call's earliest start
    months: int = 3
    day: int = 0  # which day of the window it applied on (each its own)
    decisions: dict[str, tuple[Decision, str]] = field(default_factory=dict)
    question: tuple[str, str, str] | None = None  # host, question, answer ("" unanswered)
    extended_months: int = 0
    listed: bool = False
    report: str = ""


ACCEPT = (Decision.ACCEPT, "")
A25, S26, C27 = AUTUMN_2025_TITLE, SPRING_2026_TITLE, CURRENT_TITLE
D = date.fromisoformat

# fmt: off
STORIES = [
    # Digital Nomad 2025, autumn: seven residencies, all completed.
    Story("shanyraq", A25, ("bilisimvadisi",), Stage.COMPLETED, D("2025-09-01"), 3, 2,
          {"bilisimvadisi": ACCEPT},
          report="Three months in Kocaeli gave us our first Turkish hospital pilot and a partner "
          "for the device's certification."),
    Story("registan", A25, ("astanahub",), Stage.COMPLETED, D("2025-09-15"), 3, 4,
          {"astanahub": ACCEPT},
          report="We met two Kazakh textile factories through the Hub; one now runs our arms."),
    Story("alatoopay", A25, ("astanahub",), Stage.COMPLETED, D("2025-10-01"), 2, 6,
          {"astanahub": ACCEPT},
          report="We connected to two Kazakh banks and hired our first developer in Astana."),
    Story("manatflow", A25, ("bilisimvadisi",), Stage.COMPLETED, D("2025-09-01"), 4, 8,
          {"bilisimvadisi": ACCEPT},
          report="The Vadi's companies became our first customers outside Azerbaijan."),
    Story("turan", A25, ("itpark",), Stage.COMPLETED, D("2025-10-06"), 3, 10,
          {"itpark": ACCEPT},
          report="Two Tashkent retail chains signed up after the park's demo day."),
    Story("visionlab", A25, ("itpark",), Stage.COMPLETED, D("2025-09-08"), 2, 12,
          {"itpark": ACCEPT},
          report="We trained our models on Uzbek factory data and opened a small office."),
    Story("cloudworks", A25, ("itpark", "astanahub"), Stage.COMPLETED, D("2025-11-03"), 3, 14,
          {"itpark": ACCEPT},
          report="IT Park's residents moved their staging clusters to us; a data centre in "
          "Tashkent followed."),
    # Digital Nomad 2026, spring: nine completed, three in residency now.
    Story("manatflow", S26, ("astanahub",), Stage.COMPLETED, D("2026-03-02"), 3, 1,
          {"astanahub": ACCEPT},
          report="A second country for payroll: we are licensed in Kazakhstan now."),
    Story("turan", S26, ("bilisimvadisi", "htp"), Stage.COMPLETED, D("2026-04-01"), 2, 2,
          {"bilisimvadisi": ACCEPT},
          report="We forecast demand for a Turkish supermarket chain's 300 stores."),
    Story("zerafshan", S26, ("htp",), Stage.COMPLETED, D("2026-04-06"), 3, 3,
          {"htp": ACCEPT},
          report="Kyrgyz exporters joined the market; fruit now crosses the border on it weekly."),
    Story("visionlab", S26, ("astanahub",), Stage.COMPLETED, D("2026-05-04"), 3, 4,
          {"astanahub": ACCEPT},
          report="A pilot at a pipe factory in Karaganda, and a grant from the Hub's partners."),
    Story("karavan", S26, ("htp",), Stage.COMPLETED, D("2026-03-16"), 2, 5,
          {"htp": ACCEPT},
          report="The park's gaming studios helped us release the Kyrgyz version."),
    Story("khazarmaps", S26, ("itpark",), Stage.COMPLETED, D("2026-04-13"), 4, 6,
          {"itpark": ACCEPT},
          report="We mapped Tashkent's new districts for two delivery companies."),
    Story("qalam", S26, ("htp",), Stage.COMPLETED, D("2026-03-02"), 3, 7,
          {"htp": ACCEPT},
          report="Twelve Bishkek schools use the tutor in Kyrgyz and Russian now."),
    Story("shifo", S26, ("bilisimvadisi",), Stage.COMPLETED, D("2026-05-04"), 3, 8,
          {"bilisimvadisi": ACCEPT},
          report="A university hospital in Kocaeli is validating our model with us."),
    Story("cloudworks", S26, ("bilisimvadisi",), Stage.COMPLETED, D("2026-06-01"), 3, 9,
          {"bilisimvadisi": ACCEPT},
          report="Industrial customers in the zone run their IoT back ends on our clusters."),
    Story("sensorworks", S26, ("astanahub",), Stage.CHECKED_IN, D("2026-09-01"), 5, 10,
          {"astanahub": ACCEPT}, listed=True),
    Story("pixelferghana", S26, ("htp", "astanahub"), Stage.CHECKED_IN, D("2026-09-14"), 4, 11,
          {"htp": ACCEPT}, extended_months=2, listed=True),
    Story("ganjasolar", S26, ("itpark",), Stage.CHECKED_IN, D("2026-10-01"), 4, 12,
          {"itpark": ACCEPT}),
    # Digital Nomad 2027, spring: open, with startups at every step.
    Story("qalam", C27, ("itpark",), Stage.DRAFT, day=12),
    Story("caspiancargo", C27, ("astanahub", "bilisimvadisi"), Stage.SUBMITTED, day=10),
    Story("registan", C27, ("bilisimvadisi",), Stage.ENDORSED, months=4, day=2,
          question=("bilisimvadisi", "Which factories in Turkey would you like us to "
                    "introduce you to, and will your arms need a CE marking for them?", "")),
    Story("alatoopay", C27, ("itpark", "astanahub"), Stage.ENDORSED, day=3,
          question=("itpark", "Do you plan to work with Uzbek banks during the residency, "
                    "or only with shops?", "With both: we are in talks with two banks in "
                    "Tashkent and want to sign up a hundred shops in the bazaars.")),
    Story("agrosense", C27, ("itpark", "htp"), Stage.ENDORSED, months=2, day=4),
    Story("shanyraq", C27, ("itpark", "htp"), Stage.ENDORSED, day=1,
          decisions={"itpark": ACCEPT}),
    Story("silkroad", C27, ("astanahub",), Stage.ACCEPTED, day=0, decisions={"astanahub": ACCEPT}),
    Story("tulpar", C27, ("astanahub", "itpark"), Stage.ACCEPTED, months=4, day=1,
          decisions={"astanahub": ACCEPT}),
    Story("karavan", C27, ("astanahub",), Stage.ENDORSED, day=5,
          decisions={"astanahub": (Decision.WAITLIST, "")}),
    Story("absheron", C27, ("htp",), Stage.ENDORSED, day=6,
          decisions={"htp": (Decision.REJECT, "We host fintech, gaming, outsourcing and cloud "
                             "startups this spring; legal tech is outside the sectors of our "
                             "offer. Please apply again in the autumn call.")}),
]
# fmt: on
