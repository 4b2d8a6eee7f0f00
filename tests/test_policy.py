"""The policy's rules and masking functions, without a database (issue 11, item 8)."""

import re

from hypothesis import assume, given
from hypothesis import strategies as st

from influencers import policy
from influencers.models import ContactMethod, Membership
from influencers.switchover.selection import answer_token

Role = Membership.Role
phones = st.from_regex(r"\+[1-9][0-9]{7,14}", fullmatch=True)


def test_roles_rank_and_each_action_has_its_least_role():
    assert policy.may(Role.VIEWER, policy.Action.VIEW)
    assert not policy.may(Role.VIEWER, policy.Action.CHANGE)
    assert policy.may(Role.MEMBER, policy.Action.CHANGE)
    assert not policy.may(Role.MEMBER, policy.Action.IMPORT)
    assert policy.may(Role.MANAGER, policy.Action.LAUNCH)
    assert not policy.may(Role.MANAGER, policy.Action.MANAGE)
    assert not policy.may(None, policy.Action.VIEW)
    assert policy.roles_for(policy.Action.DELETE) == {Role.MANAGER, Role.OWNER}


def test_only_viewers_and_unknown_roles_are_masked():
    assert policy.must_mask(Role.VIEWER) and policy.must_mask(None)
    assert not any(policy.must_mask(r) for r in (Role.MEMBER, Role.MANAGER, Role.OWNER))
    assert policy.contact_for(Role.MEMBER, "email", "a.b@x.test") == "a.b@x.test"
    assert policy.contact_for(Role.VIEWER, "email", "a.b@x.test") == "a***@x.test"


@given(st.emails())
def test_a_masked_email_keeps_its_domain_and_never_the_address(email):
    local = email.rpartition("@")[0]
    # Addresses that look masked already ("a***@", "**@"): the mask cannot hide what it adds.
    assume(local != local[:1] + "***" and set(local) != {"*"})
    masked = policy.mask_email(email)
    assert masked.endswith("@" + email.rpartition("@")[2])
    assert email not in masked
    assert email.lower() not in policy.mask_text(f"write to {email} today").lower()


@given(phones, st.sampled_from(["{}", "tel: {}", "({})", "WhatsApp {}!"]))
def test_a_phone_in_text_is_masked_but_its_last_four_digits_stay(phone, template):
    masked = policy.mask_text(template.format(phone))
    assert phone not in masked and phone.lstrip("+") not in masked
    assert masked.rstrip("!)").endswith(phone[-4:])
    digits = re.sub(r"\D", "", masked)
    assert digits == phone[-4:] or digits.endswith(phone[-4:])


@given(phones)
def test_mask_contact_of_a_phone_matches_mask_phone(phone):
    assert policy.mask_contact(ContactMethod.Kind.PHONE, phone) == policy.mask_phone(phone)
    assert policy.mask_contact(ContactMethod.Kind.WHATSAPP, phone).endswith(phone[-4:])
    assert phone[:-4] not in policy.mask_phone(phone)


@given(st.integers(1, 10**9), st.integers(1, 10**9))
def test_every_answer_token_is_hidden(plan_id, creator_id):
    token = answer_token(plan_id, creator_id)
    for text in (token, token.replace(":", "%3A"), f"https://x.test/answer/{token}/"):
        redacted = policy.redact_answer_links(f"Answer: {text} thanks")
        assert token.rsplit(":", 1)[1] not in redacted
        assert str(policy.HIDDEN_ANSWER_LINK) in redacted


def test_dates_and_short_numbers_in_text_are_left_alone():
    assert policy.mask_text("due 2026-12-03, 12 units, order 123456") == (
        "due 2026-12-03, 12 units, order 123456"
    )
