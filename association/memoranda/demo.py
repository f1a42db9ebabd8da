"""Demo memoranda: the Memorandum for cooperation signed in Astana on 28 September 2022 by
the six founding parks (issued as AMT/MOU/2022/0001), and a draft out for signature."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from association.demo_parks import DEMO_PASSWORD, FOUNDERS
from association.memoranda import circulation, drafting, issuing, signing
from association.memoranda.models import Memorandum
from association.parks.models import Park, User

COOPERATION_TITLE = "Memorandum for cooperation"
EXCHANGE_TITLE = "Memorandum on the exchange of resident companies"
# Each language's text is headed by its own title.
COOPERATION_TITLES = {
    "ru": "Меморандум о сотрудничестве",
    "tr": "İşbirliği Mutabakat Zaptı",
}
EXCHANGE_TITLES = {"ru": "Меморандум об обмене компаниями-резидентами"}

COOPERATION_EN = """The technology parks signing this Memorandum (the "Parties"),

guided by the decisions of the Organization of Turkic States on cooperation in innovation and digital development,

recognising the role of technology parks in bringing together science, business and the state,

wishing to build lasting ties among their residents, experts and institutions,

have agreed as follows.

## Article 1. Purpose

The purpose of this Memorandum is to develop cooperation among the Parties in support of innovation, technology entrepreneurship and the digital economy of their countries.

## Article 2. Areas of cooperation

The Parties shall cooperate in particular in:

1. the exchange of experience in managing technology parks, incubators and accelerators;
2. support for start-ups and resident companies entering the markets of the other Parties;
3. joint educational programmes, internships and training of specialists;
4. joint research and development projects;
5. the exchange of information on investment opportunities and support measures.

## Article 3. Exchange of residents

Each Party shall, on the recommendation of another Party, offer that Party's resident companies a soft-landing programme: temporary office space, advice on local regulation, and introductions to partners and investors, on conditions no less favourable than those it offers its own applicants.

## Article 4. Joint events

The Parties shall hold joint events, forums, hackathons and exhibitions, and shall inform one another of their own events in good time so that residents of the other Parties may take part.

## Article 5. The Association of Modern Technoparks

The Parties shall establish the Association of Modern Technoparks of the Organization of Turkic States, open to technology parks of the member and observer states, to coordinate the cooperation set out in this Memorandum. Its secretariat shall keep the register of the agreements of its members.

## Article 6. Final provisions

1. This Memorandum does not create financial obligations for the Parties. Each Party bears its own costs.
2. This Memorandum enters into force on the date of its signature by all Parties and remains in force for five years. It is extended automatically for further five-year periods unless a Party notifies the others in writing of its withdrawal six months in advance.
3. This Memorandum may be amended by written agreement of the Parties.
4. Disputes about the interpretation or application of this Memorandum shall be settled by consultation between the Parties.
"""

COOPERATION_RU = """Технологические парки, подписавшие настоящий Меморандум (далее — «Стороны»),

руководствуясь решениями Организации тюркских государств о сотрудничестве в области инноваций и цифрового развития,

признавая роль технологических парков в объединении науки, бизнеса и государства,

стремясь установить прочные связи между своими резидентами, экспертами и учреждениями,

договорились о нижеследующем.

## Статья 1. Цель

Целью настоящего Меморандума является развитие сотрудничества Сторон в поддержку инноваций, технологического предпринимательства и цифровой экономики их стран.

## Статья 2. Направления сотрудничества

Стороны сотрудничают, в частности, в следующих направлениях:

1. обмен опытом управления технологическими парками, инкубаторами и акселераторами;
2. поддержка стартапов и компаний-резидентов при выходе на рынки других Сторон;
3. совместные образовательные программы, стажировки и подготовка специалистов;
4. совместные научно-исследовательские и опытно-конструкторские проекты;
5. обмен информацией об инвестиционных возможностях и мерах поддержки.

## Статья 3. Обмен резидентами

Каждая Сторона по рекомендации другой Стороны предоставляет компаниям-резидентам этой Стороны программу «мягкой посадки»: временное офисное помещение, консультации по местному законодательству, знакомство с партнёрами и инвесторами — на условиях не менее благоприятных, чем для собственных заявителей.

## Статья 4. Совместные мероприятия

Стороны проводят совместные мероприятия, форумы, хакатоны и выставки и заблаговременно информируют друг друга о своих мероприятиях, чтобы резиденты других Сторон могли принять в них участие.

## Статья 5. Ассоциация современных технопарков

Стороны учреждают Ассоциацию современных технопарков Организации тюркских государств, открытую для технологических парков государств-членов и государств-наблюдателей, для координации сотрудничества, предусмотренного настоящим Меморандумом. Секретариат Ассоциации ведёт реестр соглашений её членов.

## Статья 6. Заключительные положения

1. Настоящий Меморандум не создаёт финансовых обязательств для Сторон. Каждая Сторона несёт свои расходы самостоятельно.
2. Настоящий Меморандум вступает в силу с даты его подписания всеми Сторонами и действует в течение пяти лет. Он автоматически продлевается на последующие пятилетние периоды, если ни одна из Сторон не уведомит другие Стороны в письменной форме о своём выходе за шесть месяцев.
3. В настоящий Меморандум могут вноситься изменения по письменному согласию Сторон.
4. Споры о толковании или применении настоящего Меморандума разрешаются путём консультаций между Сторонами.
"""

COOPERATION_TR = """Bu Mutabakat Zaptını imzalayan teknoloji parkları (bundan böyle "Taraflar"),

Türk Devletleri Teşkilatının inovasyon ve dijital kalkınma alanında işbirliğine ilişkin kararlarını esas alarak,

teknoloji parklarının bilim, iş dünyası ve devleti bir araya getirmedeki rolünü kabul ederek,

firmaları, uzmanları ve kurumları arasında kalıcı bağlar kurmayı arzu ederek,

aşağıdaki hususlarda mutabık kalmışlardır.

## Madde 1. Amaç

Bu Mutabakat Zaptının amacı, Taraflar arasında ülkelerinin inovasyonunu, teknoloji girişimciliğini ve dijital ekonomisini desteklemeye yönelik işbirliğini geliştirmektir.

## Madde 2. İşbirliği alanları

Taraflar özellikle aşağıdaki alanlarda işbirliği yapar:

1. teknoloji parkları, kuluçka merkezleri ve hızlandırıcıların yönetimine ilişkin deneyim paylaşımı;
2. girişimlerin ve bünyelerindeki firmaların diğer Tarafların pazarlarına girişinin desteklenmesi;
3. ortak eğitim programları, stajlar ve uzman yetiştirilmesi;
4. ortak araştırma ve geliştirme projeleri;
5. yatırım fırsatları ve destek tedbirleri hakkında bilgi paylaşımı.

## Madde 3. Firma değişimi

Her Taraf, diğer bir Tarafın tavsiyesi üzerine o Tarafın firmalarına; geçici ofis alanı, yerel mevzuat konusunda danışmanlık ve ortaklar ile yatırımcılarla tanıştırma içeren bir "yumuşak iniş" programını, kendi başvuru sahiplerine sunduğundan daha az elverişli olmayan koşullarla sunar.

## Madde 4. Ortak etkinlikler

Taraflar ortak etkinlikler, forumlar, hackathonlar ve sergiler düzenler ve diğer Tarafların firmalarının katılabilmesi için kendi etkinliklerinden birbirlerini zamanında haberdar eder.

## Madde 5. Modern Teknoparklar Birliği

Taraflar, bu Mutabakat Zaptında öngörülen işbirliğini koordine etmek üzere, üye ve gözlemci devletlerin teknoloji parklarına açık olan Türk Devletleri Teşkilatı Modern Teknoparklar Birliğini kurar. Birliğin sekretaryası, üyelerinin anlaşmalarının sicilini tutar.

## Madde 6. Son hükümler

1. Bu Mutabakat Zaptı Taraflar için mali yükümlülük doğurmaz. Her Taraf kendi masraflarını karşılar.
2. Bu Mutabakat Zaptı tüm Taraflarca imzalandığı tarihte yürürlüğe girer ve beş yıl süreyle yürürlükte kalır. Taraflardan biri altı ay önceden yazılı olarak ayrıldığını bildirmedikçe, beşer yıllık dönemler için kendiliğinden uzar.
3. Bu Mutabakat Zaptı, Tarafların yazılı mutabakatı ile değiştirilebilir.
4. Bu Mutabakat Zaptının yorumlanması veya uygulanmasına ilişkin uyuşmazlıklar Taraflar arasında istişare yoluyla çözülür.
"""

EXCHANGE_EN = """The Parties agree to run a yearly programme of exchange of resident companies.

## Article 1. Places

Each Party offers up to five places a year in its soft-landing programme to resident companies recommended by the other Parties.

## Article 2. Selection

Each Party selects its candidates openly and informs the host Party at least two months before the start of the programme.
"""

EXCHANGE_RU = """Стороны договорились проводить ежегодную программу обмена компаниями-резидентами.

## Статья 1. Места

Каждая Сторона ежегодно предоставляет до пяти мест в своей программе «мягкой посадки» компаниям-резидентам, рекомендованным другими Сторонами.

## Статья 2. Отбор

Каждая Сторона отбирает кандидатов открыто и уведомляет принимающую Сторону не позднее чем за два месяца до начала программы.
"""

SIGNED_IN_ASTANA = datetime(2022, 9, 28, 7, 0, tzinfo=UTC)  # 13:00 in Astana
# The 2022 memorandum is recorded as it happened that day (association.history): drafted and
# circulated that morning, signed in ink by the six heads, issued that afternoon.
DRAFTED_2022 = SIGNED_IN_ASTANA - timedelta(hours=2)
CIRCULATED_2022 = SIGNED_IN_ASTANA - timedelta(hours=1)
ISSUED_2022 = SIGNED_IN_ASTANA + timedelta(hours=3)
PAPER_EVIDENCE = "Signed in ink at the Digital Bridge Forum, Astana"


def _find(session: Session, title: str) -> Memorandum | None:
    return session.scalar(select(Memorandum).where(Memorandum.title == title))


def _park(session: Session, name: str) -> Park:
    return session.scalars(select(Park).where(Park.name_latin == name)).one()


def _signatory(park: Park) -> User:
    return next(user for user in park.users if user.is_signatory)


def seed_memoranda(session: Session) -> None:
    founders = [_park(session, demo.name_latin) for demo in FOUNDERS]
    if _find(session, COOPERATION_TITLE) is None:
        memorandum = drafting.create_memorandum(
            session,
            None,
            title=COOPERATION_TITLE,
            place="Astana",
            public=True,
            texts={"en": COOPERATION_EN, "ru": COOPERATION_RU, "tr": COOPERATION_TR},
            titles=COOPERATION_TITLES,
            note="As signed in Astana on 28 September 2022",
            now=DRAFTED_2022,
        )
        for park in founders:
            drafting.add_member_party(session, None, memorandum, park, now=DRAFTED_2022)
        circulation.circulate(session, None, memorandum, now=CIRCULATED_2022)
        for minutes, (park, demo) in enumerate(zip(founders, FOUNDERS, strict=True)):
            signatory = _signatory(park)
            signing.record_paper_signature(
                session,
                None,
                memorandum,
                next(p for p in memorandum.parties if p.park_id == park.id),
                signatory=signatory,
                full_name=demo.signatory[0],
                title=demo.signatory[1],
                signed_at=SIGNED_IN_ASTANA.replace(minute=minutes * 5),
                evidence=PAPER_EVIDENCE,
            )
        issuing.issue_memorandum(session, None, memorandum, now=ISSUED_2022)
    if _find(session, EXCHANGE_TITLE) is None:
        memorandum = drafting.create_memorandum(
            session,
            None,
            title=EXCHANGE_TITLE,
            place="Bishkek",
            texts={"en": EXCHANGE_EN, "ru": EXCHANGE_RU},
            titles=EXCHANGE_TITLES,
            note="First draft, from the Board's discussion",
        )
        for park in founders[:3]:
            drafting.add_member_party(session, None, memorandum, park)
        circulated = circulation.circulate(session, None, memorandum)
        first = founders[0]
        signatory = _signatory(first)
        signing.sign(
            session,
            signatory,
            memorandum,
            party_id=memorandum.parties[0].id,
            circulation_id=circulated.id,
            full_name=signatory.full_name,
            title=signatory.title,
            consent=True,
            password=DEMO_PASSWORD,
            ip="203.0.113.10",
            user_agent="Mozilla/5.0 (demo data)",
        )
