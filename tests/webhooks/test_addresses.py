"""Where webhooks may go: public https addresses only; never into a network (no SSRF)."""

from __future__ import annotations

import socket

import pytest

from association.webhooks.addresses import Refused, check_url, target

PUBLIC = "https://93.184.216.34/hooks"


def test_a_public_https_address_is_accepted():
    assert check_url(PUBLIC, allow_loopback=False) == PUBLIC


@pytest.mark.parametrize(
    "url",
    ["http://93.184.216.34/hooks", "ftp://93.184.216.34/", "not an address", "https://", ""],
)
def test_an_address_that_is_not_https_is_refused(url):
    with pytest.raises(Refused):
        check_url(url, allow_loopback=False)


def test_an_address_with_a_port_that_does_not_parse_is_refused():
    with pytest.raises(Refused, match="not a web address"):
        check_url("https://93.184.216.34:99999/", allow_loopback=False)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",  # loopback
        "[::1]",
        "10.0.0.5",  # private
        "172.16.3.4",
        "192.168.1.10",
        "[fd00::1]",
        "169.254.169.254",  # link-local: a cloud's metadata service
        "[fe80::1]",
        "0.0.0.0",  # unspecified
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "100.64.0.1",  # shared (carrier-grade NAT)
        "[::ffff:10.0.0.5]",  # IPv4 inside IPv6
    ],
)
def test_an_address_inside_a_network_is_refused(host):
    with pytest.raises(Refused):
        check_url(f"https://{host}/hooks", allow_loopback=False)


def test_a_name_is_judged_by_every_address_it_resolves_to(monkeypatch):
    def resolves(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolves)
    with pytest.raises(Refused, match="private network"):
        check_url("https://hooks.park.example/amt", allow_loopback=False)


def test_a_name_that_does_not_resolve_is_refused(monkeypatch):
    def fails(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fails)
    with pytest.raises(Refused, match="does not resolve"):
        check_url("https://nowhere.park.example/", allow_loopback=False)


def test_localhost_is_refused_without_the_setting():
    for url in ("http://127.0.0.1:8080/hooks", "http://localhost:8080/hooks"):
        with pytest.raises(Refused):
            check_url(url, allow_loopback=False)


def test_the_setting_allows_http_to_this_machine_and_nothing_else():
    assert check_url("http://127.0.0.1:8080/hooks", allow_loopback=True)
    assert target("http://localhost:8080/hooks?x=1", allow_loopback=True).path == "/hooks?x=1"
    with pytest.raises(Refused):
        check_url("http://10.0.0.5/hooks", allow_loopback=True)
    with pytest.raises(Refused):
        check_url("http://93.184.216.34/hooks", allow_loopback=True)


def test_credentials_in_the_address_are_refused():
    with pytest.raises(Refused):
        check_url("https://user:secret@93.184.216.34/", allow_loopback=False)
