"""HR participation report pages (owned by the reports work)."""
urlpatterns = []
