"""The demo association's people and parks: the six founders of 28 September 2022, the
candidate parks, the staff accounts and their published demo password and second factor.

Plain constants, below every area's demo, which builds its part from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from association.parks.models import ParkStatus

DEMO_PASSWORD = "technoparks-demo"
# The staff demo accounts' second factor (published in the README; never use it elsewhere).
DEMO_TOTP_SECRET = "AMTDEMOSECRETAMTDEMOSECRETAMTDEM"
SECRETARIAT_EMAIL = "secretariat@demo.technoparks.example"
ADMIN_EMAIL = "admin@demo.technoparks.example"


@dataclass(frozen=True)
class DemoPark:
    login: str  # the short name in the demo logins' addresses
    name_latin: str
    name_native: str
    country: str
    city: str
    website: str
    status: ParkStatus
    delegate: tuple[str, str]  # full name, title
    signatory: tuple[str, str]


# The six parks that signed the memorandum of cooperation in Astana on 28 September 2022.
FOUNDERS = [
    DemoPark(
        "astanahub",
        "Astana Hub",
        "Астана Хаб",
        "KZ",
        "Astana",
        "https://astanahub.com",
        ParkStatus.MEMBER,
        ("Aigerim Sadykova", "Director of International Relations"),
        ("Yerlan Nurpeisov", "Chief Executive Officer"),
    ),
    DemoPark(
        "sabahlab",
        "Sabah Lab",
        "Sabah Lab",
        "AZ",
        "Baku",
        "https://sabah.edu.az",
        ParkStatus.MEMBER,
        ("Rashad Mammadov", "Head of Partnerships"),
        ("Leyla Hasanova", "Director"),
    ),
    DemoPark(
        "htp",
        "High Technology Park of the Kyrgyz Republic",
        "Кыргыз Республикасынын Жогорку технологиялар паркы",
        "KG",
        "Bishkek",
        "https://htp.kg",
        ParkStatus.MEMBER,
        ("Nurlan Abdyldaev", "Deputy Director"),
        ("Aida Temirbekova", "Executive Director"),
    ),
    DemoPark(
        "bilisimvadisi",
        "Bilişim Vadisi",
        "Bilişim Vadisi",
        "TR",
        "Kocaeli",
        "https://bilisimvadisi.com.tr",
        ParkStatus.MEMBER,
        ("Elif Yılmaz", "International Affairs Manager"),
        ("Serkan Çelik", "General Manager"),
    ),
    DemoPark(
        "cyberpark",
        "Bilkent Cyberpark",
        "Bilkent Cyberpark",
        "TR",
        "Ankara",
        "https://cyberpark.com.tr",
        ParkStatus.MEMBER,
        ("Murat Demir", "Business Development Manager"),
        ("Ayşe Kaya", "General Manager"),
    ),
    DemoPark(
        "itpark",
        "IT Park Uzbekistan",
        "IT Park Oʻzbekiston",
        "UZ",
        "Tashkent",
        "https://it-park.uz",
        ParkStatus.MEMBER,
        ("Dilnoza Karimova", "Head of International Cooperation"),
        ("Jahongir Toʻxtayev", "Chief Executive Officer"),
    ),
]

# Parks that took part in the 2022 exhibition and are candidates: observers until admitted.
CANDIDATES = [
    DemoPark(
        "tmpark",
        "Technopark of Turkmenistan",
        "Türkmenistanyň Tehnoparky",
        "TM",
        "Ashgabat",
        "",
        ParkStatus.OBSERVER,
        ("Merdan Annayev", "Head of Cooperation"),
        ("Gulshat Orazova", "Director"),
    ),
    DemoPark(
        "tjpark",
        "Technopark of Tajikistan",
        "Технопарки Тоҷикистон",
        "TJ",
        "Dushanbe",
        "",
        ParkStatus.OBSERVER,
        ("Farrukh Rahimov", "Project Manager"),
        ("Zarina Saidova", "Director"),
    ),
    DemoPark(
        "pstp",
        "Palestine Technology Park",
        "حديقة فلسطين التكنولوجية",
        "PS",
        "Ramallah",
        "",
        ParkStatus.OBSERVER,
        ("Omar Khalil", "Partnerships Officer"),
        ("Lina Haddad", "Managing Director"),
    ),
]

FOUNDED = date(2022, 9, 28)


def demo_email(duty: str, demo: DemoPark) -> str:
    return f"{duty}.{demo.login}@demo.technoparks.example"
