"""Which KakaoPay page a visitor gets: the QR page (pc), the mobile web page, or the app page."""

from functools import lru_cache

from ua_parser import parse

from .models import FLOW_LABELS

FLOWS = tuple(FLOW_LABELS)
MOBILE_OS = {"Android", "iOS", "iPadOS"}
MOBILE_DEVICES = {"iPhone", "iPad", "iPod"}


@lru_cache(maxsize=1024)
def flow_for(user_agent: str, app_marker: str) -> str:
    """app: KakaoTalk's in-app browser (its upper-case KAKAOTALK token, not the kakaotalk-scrap preview bot) or the
    Strada app; mobile: phones and tablets (by a maintained UA parser); pc: everything else. A Macintosh platform is
    pc even when the browser token says iOS: iPadOS asked for the desktop site, and it cannot be told from a Mac."""
    if "KAKAOTALK" in user_agent or (app_marker and app_marker in user_agent):
        return "app"
    if "Macintosh" in user_agent:
        return "pc"
    result = parse(user_agent)
    os_family = result.os.family if result.os else ""
    device_family = result.device.family if result.device else ""
    return "mobile" if os_family in MOBILE_OS or device_family in MOBILE_DEVICES else "pc"


def choose_flow(user_agent: str, override: str | None, app_marker: str) -> str:
    return override if override in FLOWS else flow_for(user_agent or "", app_marker)
