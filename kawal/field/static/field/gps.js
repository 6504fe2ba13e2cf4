// Where the phone is: one GPS fix, and the distance from it to a post.

import { t } from "./dom.js";

export function position({ timeout = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(new Error("no GPS on this device"));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({
        lat: Number(p.coords.latitude.toFixed(6)),
        lng: Number(p.coords.longitude.toFixed(6)),
        accuracy: Math.round(p.coords.accuracy),
      }),
      (error) => reject(new Error(error.message || "no GPS fix")),
      { enableHighAccuracy: true, timeout, maximumAge: 30000 },
    );
  });
}

// Great-circle metres; the server's twin is km() in kawal/territory/distance.py, which
// decides the check-in's `far` flag. The phone only shows it before the officer confirms.
const EARTH_KM = 6371.0;
const rad = (deg) => (deg * Math.PI) / 180;

export function metres(lat1, lng1, lat2, lng2) {
  const p1 = rad(lat1);
  const p2 = rad(lat2);
  const a = Math.sin((p2 - p1) / 2) ** 2
    + Math.cos(p1) * Math.cos(p2) * Math.sin(rad(lng2 - lng1) / 2) ** 2;
  return 2 * EARTH_KM * 1000 * Math.asin(Math.sqrt(a));
}

// A form's location line (app_gps.html): finds a fix when asked, shows it, keeps the latest.
export function gpsField(root, { onFix } = {}) {
  const text = root.querySelector("[data-gps-text]");
  let fix = null;
  let asking = null;
  const locate = () => {
    fix = null;
    root.dataset.state = "wait";
    text.textContent = t("gps_wait");
    asking = position().then(
      (found) => {
        fix = found;
        root.dataset.state = "fix";
        text.textContent = t("gps_fix", found);
        onFix?.(found);
        return found;
      },
      (error) => {
        root.dataset.state = "none";
        text.textContent = t("gps_none", { reason: error.message });
        return null;
      },
    );
    return asking;
  };
  root.querySelector("[data-gps-refresh]").addEventListener("click", locate);
  return { locate, wait: () => asking ?? locate(), latest: () => fix };
}
