from django.db import migrations, models


class Migration(migrations.Migration):
    """AuditEntry's ``export`` action: a session downloaded as one HTML file
    (``GET .../export.html``). Choices only: no column changes."""

    dependencies = [
        ('django_session_replay', '0013_note'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(choices=[('replay', 'replay opened'), ('live', 'watched live'), ('events', 'events read (API)'), ('summary', 'summary read (API)'), ('export', 'exported as an HTML file (API)')], max_length=16, verbose_name='action'),
        ),
    ]
