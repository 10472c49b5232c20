"""Two reviewers approving two claims of the same enrolment at the same moment cannot
together exceed its cover: the enrolment row lock serialises them (and the database's
``committed_total <= cover_limit`` check would refuse the second anyway)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from aid.models import ClaimStatus, MutualClaim
from aid.services import mutual
from tests.aid.factories import active_enrolment, claim, make_world


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_cannot_exceed_the_cover(union_tree):
    w = make_world(union_tree)
    enrolment = active_enrolment(w)
    claims = [claim(w, enrolment, amount="20000"), claim(w, enrolment, amount="20000")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(item, reviewer):
        try:
            barrier.wait(timeout=10)
            mutual.mutual_claim_approve(actor=reviewer, claim=item, amount="20000")
            outcomes.append("approved")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(claims[0], w.city_editor)),
        threading.Thread(target=approve, args=(claims[1], w.county_editor)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes)[0] == "approved" and "剩余保障额度" in sorted(outcomes)[1], outcomes
    enrolment.refresh_from_db()
    assert enrolment.committed_total == Decimal("20000.00")
    assert MutualClaim.objects.filter(status=ClaimStatus.APPROVED).count() == 1
