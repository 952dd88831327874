from django.conf import settings
import django.core.validators
from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    """Staff's notes on a moment of a session (Note)."""

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('django_session_replay', '0012_timeline_path'),
    ]

    operations = [
        migrations.CreateModel(
            name='Note',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('window', models.CharField(blank=True, max_length=64, verbose_name='tab')),
                ('ts', models.BigIntegerField(help_text="In ms since the epoch, on the recording's clock (its timeline's ts).", validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(9007199254740991)], verbose_name='moment')),
                ('text', models.TextField(max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='text')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='written')),
                ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notes', to='django_session_replay.replaysession', verbose_name='session')),
            ],
            options={
                'verbose_name': 'note',
                'verbose_name_plural': 'notes',
                'ordering': ['session', 'ts', 'id'],
                'indexes': [models.Index(fields=['session', 'ts'], name='session_replay_note_ts')],
            },
        ),
    ]
