"""The authentication backend of the portal: Django's ModelBackend, loading the user's own
persona with the user (issue 8: one query per request instead of two, since the acting
persona of a solicitante is the user's own; see ``vucem.middleware``)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ModelBackendConPersona(ModelBackend):
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("persona").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
