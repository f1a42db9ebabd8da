import html

from sqlalchemy import select

from association.parks.models import Park
from tests.factories import login


def test_secretariat_creates_a_park_through_the_form(client, session, secretariat):
    login(client, secretariat)
    response = client.post(
        "/secretariat/parks/new",
        data={
            "name_latin": "IT Park Uzbekistan",
            "name_native": "IT Park Oʻzbekiston",
            "country": "UZ",
            "city": "Tashkent",
            "website": "https://it-park.uz",
            "status": "member",
        },
    )
    assert response.status_code == 302
    park = session.scalar(select(Park).where(Park.slug == "it-park-uzbekistan"))
    assert park.name_native == "IT Park Oʻzbekiston"
    assert park.membership_number == "AMT-UZ-0001"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "IT Park Oʻzbekiston" in page
    assert "AMT-UZ-0001" in page


def test_park_form_shows_errors_and_keeps_what_was_typed(client, session, secretariat):
    login(client, secretariat)
    response = client.post(
        "/secretariat/parks/new",
        data={
            "name_latin": "",
            "name_native": "Астана Хаб",
            "country": "",
            "website": "ftp://astanahub.com",
            "status": "member",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This field is required." in page
    assert "http:// or https://" in page
    assert "Астана Хаб" in page
    assert session.scalar(select(Park)) is None


def test_status_change_through_the_page(client, session, secretariat, park):
    login(client, secretariat)
    response = client.post(
        f"/secretariat/parks/{park.id}/status", data={"status": "suspended", "reason": "Fees"}
    )
    assert response.status_code == 302
    page = client.get(f"/secretariat/parks/{park.id}").get_data(as_text=True)
    assert "member → suspended" in page
    assert "Fees" in page


def test_status_change_to_the_same_status_gives_a_409_page(client, secretariat, park):
    login(client, secretariat)
    response = client.post(
        f"/secretariat/parks/{park.id}/status", data={"status": "member", "reason": "again"}
    )
    assert response.status_code == 409
    assert b"already member" in response.data


def test_unknown_park_is_404(client, secretariat):
    login(client, secretariat)
    assert client.get("/secretariat/parks/9999").status_code == 404


def test_secretariat_deactivates_a_user(client, session, secretariat, delegate):
    login(client, secretariat)
    assert client.post(f"/secretariat/users/{delegate.id}/deactivate").status_code == 302
    session.expire_all()
    assert delegate.active is False
    assert "deactivated" in client.get(f"/secretariat/users/{delegate.id}").get_data(as_text=True)


def test_secretariat_sets_delegate_and_signatory(client, session, secretariat, member):
    login(client, secretariat)
    client.post(f"/secretariat/users/{member.id}/duties", data={"delegate": "y", "signatory": "y"})
    session.expire_all()
    assert member.is_delegate
    assert member.is_signatory


def test_secretariat_pages_render(client, secretariat, park, delegate):
    login(client, secretariat)
    for path in (
        "/secretariat/",
        "/secretariat/parks",
        "/secretariat/parks?status=member&q=astana",
        "/secretariat/users",
        "/secretariat/users?state=invited",
        "/secretariat/users/invite",
        f"/secretariat/users/{delegate.id}",
        f"/secretariat/parks/{park.id}/edit",
        "/secretariat/audit/",
        "/secretariat/audit/?action=login",
        "/secretariat/outbox/",
    ):
        assert client.get(path).status_code == 200, path


def test_dashboard_tells_the_secretariat_of_parks_without_a_delegate(client, secretariat, park):
    login(client, secretariat)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Astana Hub has no a delegate or a signatory" not in page
    assert "Astana Hub has no delegate or signatory" in page


def test_a_new_language_for_a_member_park_says_its_certificate_waits_for_a_reissue(
    client, session, secretariat, park
):
    login(client, secretariat)
    response = client.post(
        f"/secretariat/parks/{park.id}/edit",
        data={
            "name_latin": park.name_latin,
            "name_native": park.name_native,
            "country": park.country,
            "city": park.city,
            "website": "",
            "language": "kk",
        },
        follow_redirects=True,
    )
    session.expire_all()
    assert session.get(Park, park.id).language == "kk"
    page = html.unescape(response.get_data(as_text=True))
    assert "The certificate in force keeps the languages it was issued in." in page
    assert "for one in Қазақша" in page


def test_the_user_list_names_a_startup_founder_by_role(client, session, secretariat, park):
    from tests.factories import make_startup

    _startup, founder = make_startup(session, park)
    login(client, secretariat)
    for path in ("/secretariat/users", f"/secretariat/users/{founder.id}"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "startup founder" in page.get_data(as_text=True), path
