"""Imports every table model so the metadata is complete."""

from server.appointments.models import Appointment, AppointmentPolicy  # noqa: F401
from server.auth.models import Clerk, Device, SiteGrant  # noqa: F401
from server.auth.sso.models import SsoLogin  # noqa: F401
from server.branding.models import SiteBranding, SiteLogo  # noqa: F401
from server.calibration.models import WaitForecast  # noqa: F401
from server.closing.models import DayClosure  # noqa: F401
from server.counters.models import Counter, CounterService
from server.counters.session_models import CounterSession  # noqa: F401
from server.day_controls.models import ServiceDayControl, SiteNotice  # noqa: F401
from server.events.models import EventRecord, SiteSequence
from server.remote_join.models import RemoteTicket  # noqa: F401
from server.remote_join.settings import RemoteJoinPolicy  # noqa: F401
from server.security.models import AuditRecord, DeviceKeyChange  # noqa: F401
from server.sites.models import Service, Site
from server.status_page.push.models import PushKey, PushSubscription  # noqa: F401
from server.tickets.models import NumberSequence, Ticket
from server.tickets.offline import NumberLease  # noqa: F401

__all__ = [
    "Clerk",
    "Counter",
    "CounterService",
    "Device",
    "EventRecord",
    "NumberSequence",
    "Service",
    "Site",
    "SiteSequence",
    "Ticket",
]
