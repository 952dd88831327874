from django.db import migrations, models


class Migration(migrations.Migration):
    """The Dashboard proxy model (the admin index's "Dashboard" entry,
    admin/dashboard.py) and two indexes for its figures (insights/stats.py):
    sessions by start with the columns the figures read (an index-only scan
    on PostgreSQL), and the page views of a window by page and time (the page
    an error happened on)."""

    dependencies = [
        ('django_session_replay', '0010_audit_summary'),
    ]

    operations = [
        migrations.CreateModel(
            name='Dashboard',
            fields=[],
            options={
                'verbose_name': 'dashboard',
                'verbose_name_plural': 'dashboard',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('django_session_replay.replaysession',),
        ),
        migrations.AddIndex(
            model_name='replaysession',
            index=models.Index(fields=['created'], include=('id', 'browser', 'os', 'device', 'duration_ms', 'js_error_count', 'console_error_count', 'failed_request_count'), name='session_replay_dashboard'),
        ),
        migrations.AddIndex(
            model_name='timelineentry',
            index=models.Index(condition=models.Q(('kind', 'page_view')), fields=['session', 'window', 'page', 'ts'], name='session_replay_timeline_page'),
        ),
    ]
