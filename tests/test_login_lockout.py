"""Sign-in protection (issue 14, item 1; django-axes): after 5 wrong passwords for one account,
or from one address across accounts, sign-ins are refused with 429 and a page that says why and
what to do; other people and addresses are unaffected; an owner unlocks a member."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct horse battery"


def member(workspace, username, role="member"):
    user = UserFactory(username=username, is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(workspace=workspace, user=user, role=role)
    return user


def sign_in(client, username, password, ip, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(client, workspace):
    member(workspace, "alice")
    member(workspace, "bob")
    for _ in range(4):
        assert sign_in(client, "alice", "wrong", "10.0.0.1").status_code == 200
    locked = sign_in(client, "alice", "wrong", "10.0.0.1")
    assert locked.status_code == 429
    assert "Sign-in temporarily blocked" in locked.content.decode()
    assert "Try again in 15 minutes" in locked.content.decode()
    # From another address, with the right password: the account stays locked.
    assert sign_in(client, "alice", PASSWORD, "10.0.0.2").status_code == 429
    # Someone else, elsewhere, signs in as usual.
    assert sign_in(client, "bob", PASSWORD, "10.0.0.3").status_code == 302


def test_one_address_trying_many_accounts_is_stopped(client, workspace):
    member(workspace, "carol")
    for name in ["u1", "u2", "u3", "u4", "u5"]:
        sign_in(client, name, "guess", "10.9.9.9")
    assert sign_in(client, "carol", PASSWORD, "10.9.9.9").status_code == 429
    assert sign_in(client, "carol", PASSWORD, "10.9.9.10").status_code == 302


def test_a_success_resets_the_count(client, workspace):
    member(workspace, "dave")
    for _ in range(4):
        sign_in(client, "dave", "wrong", "10.1.1.1")
    assert sign_in(client, "dave", PASSWORD, "10.1.1.1").status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "dave", "wrong", "10.1.1.1")
    assert sign_in(client, "dave", PASSWORD, "10.1.1.1").status_code == 302


def test_the_lockout_page_speaks_chinese(client, workspace):
    member(workspace, "erin")
    for _ in range(5):
        sign_in(client, "erin", "wrong", "10.2.2.2")
    page = sign_in(client, "erin", PASSWORD, "10.2.2.2", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 429
    assert "登录已暂时锁定" in page.content.decode()


def test_an_owner_unlocks_a_member_and_a_member_cannot(client, workspace):
    frank = member(workspace, "frank")
    for _ in range(5):
        sign_in(client, "frank", "wrong", "10.3.3.3")
    assert sign_in(client, "frank", PASSWORD, "10.3.3.3").status_code == 429
    membership = frank.memberships.get()
    url = reverse("admin:influencers_membership_changelist")
    action = {"action": "unlock_signin_selected", "_selected_action": [membership.pk]}

    colleague = member(workspace, "gina")
    client.force_login(colleague)
    client.post(url, action, follow=True)
    client.logout()
    assert sign_in(client, "frank", PASSWORD, "10.3.3.4").status_code == 429

    owner = member(workspace, "olivia", role="owner")
    client.force_login(owner)
    done = client.post(url, action, follow=True)
    assert "Sign-in unlocked for 1 member" in done.content.decode()
    client.logout()
    assert sign_in(client, "frank", PASSWORD, "10.3.3.3").status_code == 302
