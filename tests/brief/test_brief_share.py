"""The creative partner's share link, driven in process through Starlette's TestClient:
the latest version as a page and as Word, 404 for everything else, tokens kept hashed."""

from __future__ import annotations

import io
import re
import warnings

import docx
import pytest
from starlette.applications import Starlette

with warnings.catch_warnings():  # Starlette prefers httpx2 for its test client; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from c4d.brief import links as brief_links
from c4d.brief import model as brief
from c4d.brief import share as brief_share
from c4d.brief.commands import create_link, revoke_link, save_version, update_fields
from c4d.brief.versions import latest_version
from c4d.export.brief_docx import shared_document
from c4d.phones.routes import participant_routes
from c4d.models import Campaign

NOT_FOUND = "This link does not work"


@pytest.fixture
def client(store):
    app = Starlette(routes=participant_routes(store) + brief_share.brief_routes(store, document=shared_document))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def campaign(store):
    made = store.create_campaign(Campaign(name="Safe <jobs> & more", summary="Background for the partner."))
    update_fields(store, made.id, key_promise="<script>alert('x')</script> Checking keeps you safe.",
                        slogan="Мөрөөдлийн шүхэр")
    return made


def test_a_link_shows_the_latest_version_read_only(client, store, campaign):
    token, link = create_link(store, campaign.id, "agency")
    assert len(token) == brief_links.TOKEN_LENGTH and link.hint == token[-4:]
    page = client.get(f"/brief/{token}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    body = page.text
    assert "Safe &lt;jobs&gt; &amp; more" in body and "Version 1 ·" in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body and "<script" not in body
    assert "Мөрөөдлийн шүхэр" in body
    for title in brief.SECTION_TITLES.values():
        assert f"<h2>{title}</h2>" in body
    assert "Missing —" in body  # gaps are marked on the page too
    assert f'href="/brief/{token}/docx"' in body and f'href="/brief/{token}/summary"' in body
    assert "<form" not in body and "<input" not in body  # nothing to change


def test_the_page_carries_the_security_headers(client, store, campaign):
    token, _ = create_link(store, campaign.id)
    headers = client.get(f"/brief/{token}").headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert headers["x-content-type-options"] == "nosniff"
    assert "noindex" in headers["x-robots-tag"]


def test_the_partner_downloads_the_word_file_and_the_summary(client, store, campaign):
    token, _ = create_link(store, campaign.id)
    full = client.get(f"/brief/{token}/docx")
    assert full.status_code == 200 and full.headers["content-type"] == brief_share.DOCX_TYPE
    disposition = full.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "safe-jobs-more_creative-brief_v1.docx" in disposition
    document = docx.Document(io.BytesIO(full.content))
    assert "Safe <jobs> & more" in [p.text for p in document.paragraphs]
    assert "Key promise" in [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    summary = client.get(f"/brief/{token}/summary")
    assert summary.status_code == 200 and "_summary.docx" in summary.headers["content-disposition"]
    assert "Key promise" in [p.text for p in docx.Document(io.BytesIO(summary.content)).paragraphs]


def test_the_link_follows_exported_versions_not_the_draft(client, store, campaign):
    token, _ = create_link(store, campaign.id)
    update_fields(store, campaign.id, key_promise="A draft the partner must not see yet.")
    assert "A draft the partner must not see yet." not in client.get(f"/brief/{token}").text
    save_version(store, store.campaign(campaign.id))
    page = client.get(f"/brief/{token}").text
    assert "A draft the partner must not see yet." in page and "Version 2 ·" in page


@pytest.mark.parametrize("path", [
    "/brief", "/brief/", "/brief/short", "/brief/" + "A" * 32, "/brief/" + "A" * 32 + "/docx",
    "/brief/" + "A" * 32 + "/summary", "/brief/%3Cscript%3E", "/brief/a/b/c",
])
def test_unknown_or_malformed_tokens_get_the_same_404_page(client, store, campaign, path):
    create_link(store, campaign.id)
    answer = client.get(path)
    assert answer.status_code == 404 and NOT_FOUND in answer.text
    assert "Safe" not in answer.text and "<script" not in answer.text


def test_a_withdrawn_link_stops_working(client, store, campaign):
    token, link = create_link(store, campaign.id)
    assert client.get(f"/brief/{token}").status_code == 200
    withdrawn = revoke_link(store, link.id)
    assert withdrawn.revoked_at is not None and not withdrawn.active
    for suffix in ("", "/docx", "/summary"):
        answer = client.get(f"/brief/{token}{suffix}")
        assert answer.status_code == 404 and NOT_FOUND in answer.text
    assert revoke_link(store, link.id).revoked_at == withdrawn.revoked_at  # twice is harmless


def test_a_deleted_campaign_takes_its_links_with_it(client, store, campaign):
    token, _ = create_link(store, campaign.id)
    store.delete_campaign(campaign.id)
    assert client.get(f"/brief/{token}").status_code == 404


def test_a_link_opens_its_own_campaign_and_nothing_else(client, store, campaign):
    other = store.create_campaign(Campaign(name="Another campaign", summary="Secret background."))
    token, _ = create_link(store, campaign.id)
    other_token, _ = create_link(store, other.id)
    page = client.get(f"/brief/{token}").text
    assert "Another campaign" not in page and "Secret background." not in page
    assert "Another campaign" in client.get(f"/brief/{other_token}").text
    # the rest of the toolkit is not under /brief, and a token opens nothing beside its brief
    assert client.get(f"/brief/{token}/backup").status_code == 404
    assert client.get(f"/brief/{token}/docx/../../j").status_code == 404


def test_tokens_are_random_and_only_their_digest_is_kept(store, campaign):
    tokens = {create_link(store, campaign.id)[0] for _ in range(20)}
    assert len(tokens) == 20 and all(re.fullmatch(r"[A-Za-z0-9_-]{32}", t) for t in tokens)
    kept = repr(store.setting(brief_links.SETTING))
    assert not any(t in kept for t in tokens)
    assert all(brief_links.digest(t) in kept for t in tokens)


def test_a_first_link_exports_version_1_and_openings_are_counted(client, store):
    fresh = store.create_campaign(Campaign(name="Never exported"))
    assert latest_version(store, fresh.id) is None
    token, link = create_link(store, fresh.id)
    assert latest_version(store, fresh.id).number == 1
    client.get(f"/brief/{token}")
    client.get(f"/brief/{token}/docx")
    [counted] = brief_links.links(store, fresh.id)
    assert counted.opened == 2 and counted.last_opened_at is not None


def test_the_share_routes_only_read(client, store, campaign):
    token, _ = create_link(store, campaign.id)
    assert client.post(f"/brief/{token}", data={"x": "1"}).status_code == 405
    assert client.head(f"/brief/{token}").status_code == 200


def test_a_failure_inside_gives_a_plain_error_page(client, store, campaign, monkeypatch):
    token, _ = create_link(store, campaign.id)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(brief_share, "brief_page", broken)
    answer = client.get(f"/brief/{token}")
    assert answer.status_code == 500 and "disk on fire" not in answer.text and "Traceback" not in answer.text
