from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from association.documents import render
from association.documents.qr import qr_svg
from tests.documents.pdf_helpers import font_test_html, plain_text


def test_the_same_html_gives_the_same_bytes():
    html = font_test_html("https://technoparks.example/verify/7K3M-QX9D-2HBT-W4NC")
    assert render.render_pdf(html) == render.render_pdf(html)


def test_different_documents_get_different_file_identifiers():
    first = render.render_pdf("<title>Same</title><p>One</p>")
    second = render.render_pdf("<title>Same</title><p>Two</p>")
    assert first != second
    assert first.split(b"/ID")[-1][:80] != second.split(b"/ID")[-1][:80]


def test_one_font_configuration_serves_the_whole_process():
    render.render_pdf("<p>warm</p>")
    assert render.font_configuration() is render.font_configuration()


def test_a_document_never_fetches_an_address_given_in_its_text():
    hits = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        address = f"http://127.0.0.1:{server.server_port}"
        pdf = render.render_pdf(
            f'<link rel="stylesheet" href="{address}/style.css"><p>Text <img src="{address}/logo.png"></p>'
        )
    finally:
        server.shutdown()
        server.server_close()
    assert pdf.startswith(b"%PDF-")
    assert hits == []


def test_the_qr_code_is_inline_svg_sized_by_css():
    svg = qr_svg("https://technoparks.example/verify/7K3M-QX9D-2HBT-W4NC")
    assert svg.startswith("<svg")
    assert "<?xml" not in svg
    assert "viewBox" in svg
    assert "width=" not in svg.split(">", 1)[0]
    assert "height=" not in svg.split(">", 1)[0]


def test_the_verification_box_prints_the_address_and_the_code(tmp_path):
    pdf = render.render_pdf(
        font_test_html("https://technoparks.example/verify/7K3M-QX9D-2HBT-W4NC")
    )
    text = plain_text(pdf, tmp_path)
    assert "7K3M-QX9D-2HBT-W4NC" in text
    assert "https://technoparks.example/verify/7K3M-QX9D-2HBT-W4NC" in text
    assert "Page 1 of 1" in text
