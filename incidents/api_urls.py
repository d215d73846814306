from incidents.desk import api as desk
from incidents.intake import api as intake
from incidents.public import api as public
from incidents.staff import api as staff

urlpatterns = [*intake.urlpatterns, *public.urlpatterns, *staff.urlpatterns, *desk.urlpatterns]
