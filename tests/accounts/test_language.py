"""Bahasa Indonesia first, English one switch away, whatever the browser asks for."""

from django.test import Client


def test_the_login_page_is_in_indonesian_even_for_an_english_browser(db):
    page = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Masuk ke Kawal" in page
    assert 'lang="id"' in page


def test_switching_to_english_sticks_for_the_next_pages(db):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    page = client.get("/login/").content.decode()
    assert "Log in to Kawal" in page
    assert 'lang="en"' in page
