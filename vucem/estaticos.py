"""The static files' storage: WhiteNoise's compressed storage whose ``url()`` is worked out
once per file name (issue 8: every page asks for the same half-dozen stylesheets and
scripts, and Django joins and quotes each URL again on every ``{% static %}``)."""

from __future__ import annotations

from whitenoise.storage import CompressedStaticFilesStorage


class EstaticosComprimidos(CompressedStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new instance comes with each change of STATIC_URL/STATIC_ROOT (Django resets
        # its storages on setting_changed), so a URL kept here never outlives its base.
        self._urls: dict[str | None, str] = {}

    def url(self, name):
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
