"""The database work of one claim stays lean: take-next sends at most one statement more
than the hand-written claim of bench/review_queue.py."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from counterhall.models import CaseState
from review.services import case_take_next

# The raw loop (bench/review_queue.py, raw_worker) sends per claim: BEGIN, the head SELECT
# … FOR UPDATE SKIP LOCKED, the case UPDATE, the audit INSERT, the guardian INSERT, COMMIT.
RAW_CLAIM = 6
# take-next sends the same six plus guardian's lookup of the ``decide_case`` Permission
# row (assign_perm takes the codename; the raw loop has the permission id at hand). In a
# test the transaction is a savepoint: SAVEPOINT and RELEASE stand for BEGIN and COMMIT.
CLAIM = RAW_CLAIM + 1


def test_one_claim_sends_at_most_one_statement_more_than_the_raw_loop(submitted, reviewer):
    # given two queued cases, and a reviewer whose roles, hall and permissions are cached
    # after a first claim (as the bench's reviewers are: these are per-session lookups)
    submitted(), submitted()
    case_take_next(actor=reviewer)

    # when they claim the next one
    with CaptureQueriesContext(connection) as ctx:
        case = case_take_next(actor=reviewer)

    # then
    statements = [q["sql"] for q in ctx.captured_queries]
    assert case.state == CaseState.IN_REVIEW
    assert len(statements) == CLAIM, "\n".join(statements)
