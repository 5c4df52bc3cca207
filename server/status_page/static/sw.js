/* Service worker of the status page: shows push alerts while the page is in the background. */
"use strict";

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "Aufruf", {
    body: data.body || "",
    tag: data.tag || "aufruf",
    renotify: true,
    requireInteraction: data.kind === "called",
    vibrate: data.kind === "called" ? [400, 150, 400, 150, 400] : [300, 100, 300],
    lang: data.lang || "",
    dir: data.dir || "auto",
    data: { url: data.url || "/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/";
  var path = url.split("?")[0];
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].url.indexOf(path) !== -1 && "focus" in list[i]) { return list[i].focus(); }
    }
    return self.clients.openWindow(url);
  }));
});
