"""REST API for participation reports (owned by the reports work)."""
urlpatterns = []
