"""Session engine of the portal with Redis (issue 8): Django's ``cached_db`` (read from the
cache, written through to the database), whose update of an existing session is one UPDATE
statement instead of BEGIN / UPDATE / COMMIT: a single statement is atomic on its own.

Creating a session (``must_create``, the key is new) and any save inside a transaction keep
Django's code (the savepoint turns a key collision into ``CreateError``)."""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore
from django.contrib.sessions.backends.cached_db import logger
from django.db import DatabaseError, router, transaction


class SessionStore(CachedDbStore):
    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create)
        obj = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=obj)
        if transaction.get_connection(using).in_atomic_block:
            return super().save(must_create)
        try:
            obj.save(force_update=True, using=using)
        except DatabaseError:  # the row is gone (expired, flushed): as Django's backend
            raise UpdateError from None
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:
            logger.exception("Error saving to cache (%s)", self._cache)
