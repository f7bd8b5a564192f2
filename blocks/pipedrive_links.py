"""Links into the company's Pipedrive web app."""

from __future__ import annotations

from typing import Literal


def pipedrive_url(
    company_domain: str, kind: Literal["person", "organization", "deal"], record_id: int
) -> str:
    return f"https://{company_domain}.pipedrive.com/{kind}/{record_id}"


def person_url(company_domain: str, person_id: int) -> str:
    return pipedrive_url(company_domain, "person", person_id)
