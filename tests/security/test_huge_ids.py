"""An id too large for any database column in a path is no such page: 404, never a 500.

Every `<int:...>` route of the url_map is tried, so a new route is covered the day it lands.
"""

import pytest
from werkzeug.exceptions import NotFound

from tests.factories import login
from tests.security.conftest import STATE_CHANGING, database_fingerprint, is_integer

HUGE = [
    "99999999999999999999",  # past a 64-bit integer: the database fails on it
    "2147483648",  # one past PostgreSQL's INTEGER
    "9" * 5000,  # past Python's int() limit for a string
]


def huge_paths(app, huge: str) -> list[tuple[str, str, str]]:
    """Each route with an integer argument, with every integer argument set to `huge`."""
    found = []
    for rule in app.url_map.iter_rules():
        integers = [name for name in rule.arguments if is_integer(rule, name)]
        if not integers:
            continue
        # Built with 1, then the digits swapped in: the converter itself refuses to build huge ids.
        values = {name: (1 if name in integers else "x") for name in rule.arguments}
        path = rule.build(values, append_unknown=False)[1]
        parts = path.split("/")
        positions = [i for i, part in enumerate(rule.rule.split("/")) if part.startswith("<int")]
        for i in positions:
            parts[i] = huge
        for method in sorted((rule.methods or set()) & {"GET", *STATE_CHANGING}):
            found.append((method, "/".join(parts), rule.endpoint))
    return found


@pytest.mark.parametrize("huge", HUGE, ids=["20 digits", "2^31", "5000 digits"])
def test_huge_ids_in_every_int_route_answer_404(app, client, session, populated, admin, huge):
    login(client, admin)
    before = database_fingerprint()
    checked = huge_paths(app, huge)
    assert len(checked) >= 30
    for method, path, endpoint in checked:
        response = client.open(path, method=method, data={"reason": "x"})
        assert response.status_code == 404, (method, path[:80], endpoint, response.status_code)
    session.expire_all()
    assert database_fingerprint() == before


def test_huge_ids_answer_404_to_a_visitor(client, populated):
    for path in ("/initiatives/99999999999999999999", "/meetings/99999999999999999999"):
        assert client.get(path).status_code == 404, path


def test_the_largest_id_a_column_holds_still_reaches_the_view(app):
    # The bound is the database's, not lower: 2^31 - 1 is matched, one more is not.
    urls = app.url_map.bind("localhost")
    endpoint, values = urls.match("/initiatives/2147483647")
    assert (endpoint, values) == ("voting.initiative_detail", {"initiative_id": 2147483647})
    with pytest.raises(NotFound):
        urls.match("/initiatives/2147483648")
