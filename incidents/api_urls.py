from incidents.api import desk, public

urlpatterns = [*public.urlpatterns, *desk.urlpatterns]
