"""Issue 18 pt 7: long work runs in the background. An import or an O&M run started on a page
is filed as a job and handed to the task queue; its page shows the progress and then the
result; the person is notified; a job runs once; only its owner sees it."""

import io

import pytest
from django.db import connection, connections, transaction
from openpyxl import Workbook

from catalog import xlsx
from catalog.models import InformationSystem, OMRun
from core.dates import today
from core.jobs import Progress, run_job
from core.models import BackgroundJob, Notification

pytestmark = pytest.mark.django_db
HEADER = [h for h, _f, _c in xlsx.SYSTEM_COLUMNS]


def sheet(*codes, name="systems.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for code in codes:
        values = dict.fromkeys(HEADER, "")
        values.update({"系统编码": code, "系统名称": f"系统{code}", "所属单位": "市教委"})
        values["系统类别"] = "业务信息系统" if code != "BAD" else "不存在"
        ws.append([values[h] for h in HEADER])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = name
    return buf


def test_an_import_is_queued_then_done_by_the_worker_once(personas, login):
    client = login(personas.jw_officer)
    response = client.post("/catalog/systems/import/", {"file": sheet("J-1", "J-2", "BAD")})
    job = BackgroundJob.objects.get(owner=personas.jw_officer)
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.state == "queued" and job.title == "导入系统目录：systems.xlsx"
    assert not InformationSystem.objects.filter(code__startswith="J-").exists()
    page = client.get(response.url).content.decode()
    # while queued the page asks for its progress every second, with a named progress bar
    assert f'hx-get="/jobs/{job.pk}/progress/"' in page and 'aria-label="处理进度"' in page
    assert "排队中" in page

    assert run_job.call(job.pk) == "done"
    assert run_job.call(job.pk) == "skipped"  # taken once, whatever runs it again
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.percent) == ("done", 3, 3, 100)
    assert job.summary == "导入系统目录：新增 2，更新 0，未变 0，拒绝 1 行。"
    assert set(
        InformationSystem.objects.filter(code__startswith="J-").values_list("code", flat=True)
    ) == {"J-1", "J-2"}
    page = client.get(response.url).content.decode()
    assert "hx-get" not in page and 'data-testid="job-result"' in page
    assert "<td>4</td><td>系统类别</td>" in page  # the refused row, cell by cell
    notice = Notification.objects.get(recipient=personas.jw_officer, link=f"/jobs/{job.pk}/")
    assert notice.title == "已完成：导入系统目录：systems.xlsx" and notice.category == "job"
    # the progress part tells the polling page to reload once the job has ended
    part = client.get(f"/jobs/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert part["HX-Refresh"] == "true"


def test_a_file_that_cannot_be_read_is_refused_at_once_and_queues_nothing(personas, login):
    client = login(personas.jw_officer)
    bad = io.BytesIO(b"not a workbook")
    bad.name = "x.xlsx"
    response = client.post("/catalog/systems/import/", {"file": bad})
    assert response.status_code == 200 and "无法读取该文件" in response.content.decode()
    assert not BackgroundJob.objects.exists()


def test_a_job_refused_when_it_runs_ends_unfinished_and_says_why(personas, login):
    """The owner lost the right to import between queuing and running: the job ends as 未完成
    with the action's reason, and the owner is told."""
    client = login(personas.jw_officer)
    client.post("/catalog/systems/import/", {"file": sheet("J-9")})
    job = BackgroundJob.objects.get()
    personas.jw_officer.memberships.update(is_active=False)
    assert run_job.call(job.pk) == "failed"
    job.refresh_from_db()
    assert job.state == "failed" and "只有项目建设单位或市大数据发展局可以导入目录" in job.summary
    assert Notification.objects.filter(title__startswith="未完成：导入系统目录").count() == 1
    assert not InformationSystem.objects.filter(code="J-9").exists()


def test_only_the_owner_sees_a_job(personas, login):
    login(personas.jw_officer).post("/catalog/systems/import/", {"file": sheet("J-3")})
    job = BackgroundJob.objects.get()
    for user in (personas.wj_officer, personas.bdb, personas.auditor):
        client = login(user)
        for path in ("", "progress/", "download/"):
            assert client.get(f"/jobs/{job.pk}/{path}").status_code == 404
        assert f"/jobs/{job.pk}/" not in client.get("/jobs/").content.decode()
    assert f"/jobs/{job.pk}/" in login(personas.jw_officer).get("/jobs/").content.decode()


def test_the_om_run_is_a_background_job_refused_before_queuing_when_blocked(personas, login):
    year = today().year + 1
    client = login(personas.finance)
    response = client.post("/catalog/om-decisions/run/", {"budget_year": year})
    job = BackgroundJob.objects.get(owner=personas.finance)
    assert response.url == f"/jobs/{job.pk}/" and not OMRun.objects.exists()
    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.state == "done" and job.result_url == f"/catalog/om-decisions/?year={year}"
    assert OMRun.objects.filter(budget_year=year).count() == 1
    # input the action refuses is refused on the page, with nothing queued
    response = client.post("/catalog/om-decisions/run/", {"budget_year": "1900"})
    assert response.status_code == 422 and BackgroundJob.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_progress_is_written_outside_a_transaction_and_throttled(personas):
    job = BackgroundJob.objects.create(kind="catalog.import", title="t", owner=personas.bdb)
    progress = Progress(job)
    progress(1, 10)
    progress(2)  # within the interval: not written
    assert BackgroundJob.objects.values_list("done", "total").get(pk=job.pk) == (1, 10)
    progress(10)  # the last step is always written
    assert BackgroundJob.objects.values_list("done", "total").get(pk=job.pk) == (10, 10)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has a single writer")
def test_on_postgresql_progress_inside_the_work_transaction_is_seen_at_once(personas):
    job = BackgroundJob.objects.create(kind="catalog.import", title="t", owner=personas.bdb)
    progress = Progress(job)
    reader = connections.create_connection("default")
    try:
        with transaction.atomic():
            progress(4, 8)
            with reader.cursor() as cursor:  # another session, as the polling page is
                cursor.execute("SELECT done, total FROM core_backgroundjob WHERE id = %s", [job.pk])
                assert cursor.fetchone() == (4, 8)
    finally:
        progress.close()
        reader.close()


def test_an_export_above_the_limit_is_made_by_a_worker_with_the_same_filter(
    walker, personas, login, settings
):
    from openpyxl import load_workbook

    settings.GOVIT_EXPORT_BACKGROUND_ROWS = 0
    for name in ("学生资助精准认定系统", "智慧教育综合服务平台（二期）"):
        walker.create(name, "800")
    client = login(personas.jw_officer)
    response = client.get("/projects/export/?q=平台")
    job = BackgroundJob.objects.get(owner=personas.jw_officer)
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.title == "导出 1 条记录" and job.params["query"] == "q=%E5%B9%B3%E5%8F%B0"
    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.state == "done" and job.result_name.endswith(".xlsx")
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = [" ".join(map(str, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "智慧教育综合服务平台（二期）" in rows[0] and rows[1].startswith("合计 1 个项目")
    # at or under the limit the file comes at once
    settings.GOVIT_EXPORT_BACKGROUND_ROWS = 10
    now = client.get("/projects/export/?q=平台")
    assert now.status_code == 200 and BackgroundJob.objects.count() == 1
