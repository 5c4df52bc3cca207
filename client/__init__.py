"""The one client the kiosk, display and counter apps share: HTTP calls and the live event stream."""
