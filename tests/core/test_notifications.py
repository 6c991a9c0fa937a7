"""Notifications grouped by day and project, filtered by category, read a group at a time; a
person mutes categories (an action with its ledger event) but never to-do reminders; the
first sign-in does not greet a new account with a wall of unread (issue 18 pt 5)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.enums import ActionCode, NotificationCategory
from core.models import LedgerEvent, Notification, NotificationSettings
from core.notifications import grouped, settle_first_sign_in
from core.notify import category_for, notify, subject_for

pytestmark = pytest.mark.django_db
C = NotificationCategory

PROJECT = "XM-2026-0003《教育数据治理平台》"


@pytest.fixture(autouse=True)
def _nothing_yet(people):
    """The directory's seeding tells everyone of their roles: start from no notification."""
    Notification.objects.all().delete()


def at(note_count_or_note, when):
    """Move notifications back in time (``created_at`` is set on insert)."""
    Notification.objects.filter(pk=note_count_or_note.pk).update(created_at=when)


def noon(days_ago: int) -> dt.datetime:
    today = timezone.localdate()
    return timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(12))
    )


@pytest.mark.parametrize(
    ("title", "link", "category"),
    [
        (f"待办：{PROJECT}大数据局项目清单审核", "/projects/3/", C.TODO),
        ("转办：XM-2026-0003《教育数据治理平台》", "/projects/3/", C.TODO),
        ("催办：XM-2026-0003《教育数据治理平台》大数据局审核", "/projects/3/", C.TODO),
        ("共享申请待答复：人口信息（市交通局）", "/catalog/sharing/3/", C.TODO),
        ("请提供资料和情况：渝审督函〔2026〕1号", "/supervision/requests/2/", C.TODO),
        ("审计发现：渝审审计〔2026〕2号，请回应", "/supervision/audit-findings/2/", C.TODO),
        (f"抄送：{PROJECT}大数据局项目清单审核", "/projects/3/", C.COPY),
        (
            f"通报批评：{PROJECT}（渝发改通报〔2026〕1号）",
            "/supervision/sanctions/2/",
            C.SUPERVISION,
        ),
        (
            "限期整改：XM-2025-0001，期限 2027-01-21",
            "/delivery/projects/18/#incidents",
            C.SUPERVISION,
        ),
        (f"即将到期：{PROJECT}竣工验收（2026-12-31）", "/delivery/projects/3/", C.DEADLINE),
        ("逾期未整改：渝发改整改〔2026〕2号（市教委）", "/supervision/orders/4/", C.DEADLINE),
        ("您已被授予“市教委 · 填报人”角色", "", C.ACCOUNT),
        (f"已列入项目清单：{PROJECT}", "/projects/3/", C.PROGRESS),
        ("2026年项目清单（第3版）已发布", "/projects/lists/", C.PROGRESS),
    ],
)
def test_the_category_is_read_from_the_title_and_link(title, link, category):
    assert category_for(title, link) == category


def test_the_subject_is_the_project_code_else_the_linked_object():
    assert subject_for(f"待办：{PROJECT}审核", "/projects/3/") == "XM-2026-0003"
    assert subject_for("待纳入总目录：SYS-XM-2028-0010 教育收费监管系统") == "XM-2028-0010"
    assert subject_for("整改通知：渝发改整改〔2026〕2号", "/supervision/orders/4/?x=1") == (
        "/supervision/orders/4/"
    )
    assert subject_for("您已被授予“市教委 · 填报人”角色") == ""


def test_notify_fills_category_and_subject_and_a_caller_may_name_them(personas):
    u = personas.jw_officer
    notify([u], title=f"抄送：{PROJECT}审核", link="/projects/3/")
    notify([u], title="一条消息", category=C.SUPERVISION, subject="XM-2026-0009")
    copied, named = Notification.objects.filter(recipient=u).order_by("pk")
    assert (copied.category, copied.subject) == (C.COPY, "XM-2026-0003")
    assert (named.category, named.subject) == (C.SUPERVISION, "XM-2026-0009")


def _seed_two_days(user):
    a1 = Notification.objects.create(
        recipient=user, title=f"已列入项目清单：{PROJECT}", subject="XM-2026-0003"
    )
    a2 = Notification.objects.create(
        recipient=user, title="批复可行性研究报告：XM-2026-0003", subject="XM-2026-0003"
    )
    b1 = Notification.objects.create(
        recipient=user,
        title="通报批评：XM-2025-0001《学生资助系统》（渝发改通报〔2026〕1号）",
        subject="XM-2025-0001",
        category=C.SUPERVISION,
    )
    old = Notification.objects.create(
        recipient=user, title=f"已受理：{PROJECT}", subject="XM-2026-0003"
    )
    for note, days_ago in ((a1, 0), (a2, 0), (b1, 0), (old, 1)):
        at(note, noon(days_ago))
    return a1, a2, b1, old


def test_the_page_groups_by_day_and_by_project(personas, login):
    u = personas.jw_officer
    _seed_two_days(u)
    response = login(u).get("/notifications/?state=all")
    days = response.context["days"]
    assert [d.day for d in days] == [noon(0).date(), noon(1).date()]
    today = {g.subject: g for g in days[0].groups}
    assert set(today) == {"XM-2026-0003", "XM-2025-0001"}
    assert today["XM-2026-0003"].count == 2
    # the group is named by the project's code and name, taken from a title that gives them
    assert today["XM-2026-0003"].label == PROJECT
    assert [g.count for g in days[1].groups] == [1]
    html = response.content.decode()
    assert f"{PROJECT}</span> · 2 条" in html


def test_groups_are_made_within_the_page(personas, settings, login):
    settings.GOVIT_PAGE_SIZE = 2
    u = personas.jw_officer
    _seed_two_days(u)
    days = login(u).get("/notifications/?state=all").context["days"]
    assert sum(d.count for d in days) == 2
    second = login(u).get("/notifications/?state=all&page=2").context["days"]
    assert sum(d.count for d in second) == 2


def test_the_category_filter_and_the_unread_filter(personas, login):
    u = personas.jw_officer
    a1, _a2, b1, _old = _seed_two_days(u)
    client = login(u)
    page = client.get("/notifications/?state=all&category=supervision").context["page_obj"]
    assert [n.pk for n in page] == [b1.pk]
    Notification.objects.filter(pk=a1.pk).update(read_at=timezone.now())
    unread = client.get("/notifications/?state=unread").context["page_obj"]
    assert a1.pk not in {n.pk for n in unread} and len(unread) == 3
    # with unread notifications the page opens on them
    assert client.get("/notifications/").context["state"] == "unread"


def test_a_group_is_marked_read_at_once_and_the_counts_follow(personas, login):
    u = personas.jw_officer
    a1, a2, _b1, _old = _seed_two_days(u)
    client = login(u)
    assert client.get("/").context["unread_notifications"] == 4
    response = client.post(
        "/notifications/read-group/",
        {"subject": "XM-2026-0003", "day": noon(0).date().isoformat(), "next": "/notifications/"},
    )
    assert response.status_code == 302
    read = set(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True))
    # the project's notifications of that day only: not the other project, not the day before
    assert read == {a1.pk, a2.pk}
    assert client.get("/").context["unread_notifications"] == 2
    assert client.get("/notifications/").context["unread_count"] == 2


def test_another_persons_group_is_not_touched(personas, login):
    other = Notification.objects.create(
        recipient=personas.wj_officer, title=f"已列入项目清单：{PROJECT}", subject="XM-2026-0003"
    )
    login(personas.jw_officer).post(
        "/notifications/read-group/",
        {"subject": "XM-2026-0003", "day": timezone.localdate().isoformat()},
    )
    other.refresh_from_db()
    assert other.read_at is None


def test_muting_a_category_stops_it_for_that_person_only(personas, login):
    muted, other = personas.jw_officer, personas.jw_head
    client = login(muted)
    response = client.post(
        "/notifications/settings/", {"supervision": "on", "deadline": "on", "cc": "on"}
    )
    assert response.status_code == 302
    assert NotificationSettings.objects.get(user=muted).muted == [C.ACCOUNT, C.PROGRESS]

    title = f"已列入项目清单：{PROJECT}"
    assert notify([muted, other], title=title, link="/projects/3/") == 1
    assert not Notification.objects.filter(recipient=muted, title=title).exists()
    assert Notification.objects.filter(recipient=other, title=title).exists()
    # a category still received
    notify([muted], title=f"通报批评：{PROJECT}", link="/supervision/sanctions/1/")
    assert Notification.objects.filter(recipient=muted, category=C.SUPERVISION).count() == 1


def test_one_query_reads_the_settings_of_all_recipients(personas):
    people = list(personas.users.values())
    for user in people[:3]:
        NotificationSettings.objects.create(user=user, muted=[C.PROGRESS])
    with CaptureQueriesContext(connection) as queries:
        notify(people, title=f"已列入项目清单：{PROJECT}")
    reads = [q for q in queries.captured_queries if "core_notificationsettings" in q["sql"]]
    assert len(reads) == 1
    assert Notification.objects.count() == len([u for u in people if u.is_active]) - 3


def test_to_do_reminders_cannot_be_muted(personas, login):
    u = personas.jw_officer
    client = login(u)
    page = client.get("/notifications/settings/").content.decode()
    # shown as a ticked box that cannot be changed, with why
    assert 'id="n-todo" checked disabled' in page
    assert "我的待办" in page
    client.post("/notifications/settings/", {"todo": ""})  # nothing ticked, "todo" refused
    assert C.TODO not in NotificationSettings.objects.get(user=u).muted
    # even a stored choice that names it does not stop a to-do reminder
    NotificationSettings.objects.filter(user=u).update(muted=[c.value for c in C])
    assert notify([u], title=f"待办：{PROJECT}审核", link="/projects/3/") == 1
    assert Notification.objects.get(recipient=u).category == C.TODO


def test_saving_the_settings_is_recorded_in_the_ledger(personas, login):
    u = personas.jw_officer
    login(u).post("/notifications/settings/", {"progress": "on", "supervision": "on"})
    event = LedgerEvent.objects.get(action=ActionCode.NOTIFICATION_SETTINGS_SAVED)
    assert event.actor_id == u.pk
    assert event.data["muted"] == [C.ACCOUNT, C.COPY, C.DEADLINE]
    assert "抄送" in event.reason and "期限提醒" in event.reason
    # the page shows the choice saved
    page = login(u).get("/notifications/settings/").content.decode()
    boxes = dict(re.findall(r'<input[^>]* name="(\w+)"([^>]*)>', page))
    assert "checked" in boxes["progress"] and "checked" not in boxes["cc"]


def test_the_first_sign_in_reads_the_to_do_reminders_already_in_the_to_do_list(
    personas, client, password
):
    u = personas.jw_officer
    todo = Notification.objects.create(
        recipient=u, title=f"待办：{PROJECT}审核", category=C.TODO, subject="XM-2026-0003"
    )
    news = Notification.objects.create(
        recipient=u, title=f"已列入项目清单：{PROJECT}", subject="XM-2026-0003"
    )
    at(todo, noon(1))
    at(news, noon(1))
    assert client.login(username=u.username, password=password)
    todo.refresh_from_db()
    news.refresh_from_db()
    assert todo.read_at is not None and news.read_at is None
    # the page says so, with one line per project
    response = client.get("/notifications/")
    assert response.context["backlog"] == 1
    assert "首次登录前收到的 1 条未读通知" in response.content.decode()
    # a later reminder is news, and a later sign-in reads nothing
    later = Notification.objects.create(recipient=u, title=f"待办：{PROJECT}复核", category=C.TODO)
    client.logout()
    assert client.login(username=u.username, password=password)
    later.refresh_from_db()
    assert later.read_at is None
    assert settle_first_sign_in(u) == 0


def test_grouping_keeps_notifications_about_nothing_together(personas):
    u = personas.jw_officer
    notify([u], title="您已被授予“市教委 · 填报人”角色")
    notify([u], title="您的密码已被系统管理员重置")
    (day,) = grouped(list(Notification.objects.filter(recipient=u)))
    (group,) = day.groups
    assert group.count == 2 and group.label == "其他通知"
