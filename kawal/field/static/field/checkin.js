// Check-in at the post: time and GPS, signed, queued like every other record.

import { device, sign } from "./device.js";
import * as duty from "./duty.js";
import { $, fail, h, isoLocal, t, wib } from "./dom.js";
import { gpsField, metres } from "./gps.js";
import { enqueue, itemById } from "./queue.js";

const form = () => $("#checkin-form");
let gps;
let replaces = null;

function selected() {
  const id = Number(form().assignment.value);
  return duty.current()?.assignments.find((a) => a.id === id) ?? null;
}

function showPost() {
  const a = selected();
  $("#checkin-post").replaceChildren(...(a ? [
    h("b", {}, `${a.post.name} (${a.post.code})`),
    h("div", { class: "muted" }, `${a.stage_name} · ${wib(a.starts_at, { withDate: true })}`),
  ] : []));
  showDistance(gps?.latest());
}

function showDistance(fix) {
  const a = selected();
  const far = $("#checkin-far");
  if (!a || !fix) { far.hidden = true; return; }
  const distance = Math.round(metres(fix.lat, fix.lng, a.post.lat, a.post.lng));
  const limit = duty.current().operation.checkin_distance_m;
  far.hidden = false;
  far.className = distance > limit ? "warn" : "muted";
  far.textContent = distance > limit ? t("far", { distance, limit }) : t("distance", { distance });
}

export function init() {
  gps = gpsField($("[data-gps]", form()), { onFix: showDistance });
  form().assignment.addEventListener("change", showPost);
  form().addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = $("[data-error]", form());
    fail(error, "");
    const fix = await gps.wait();
    if (!fix) { fail(error, t("gps_required")); return; }
    const dev = await device();
    const record = {
      id: crypto.randomUUID(), occurred_at: isoLocal(), lat: fix.lat, lng: fix.lng,
      assignment: selected()?.id, device: dev.id,
    };
    record.signature = await sign(record);
    await enqueue("checkin", record, { replaces });
    replaces = null;
    location.hash = "#queue";
  });
}

// `fix` names a rejected check-in this one replaces.
export async function open({ fix } = {}) {
  replaces = fix && (await itemById(fix)) ? fix : null;
  const select = form().assignment;
  const assignments = duty.current()?.assignments ?? [];
  const chosen = duty.currentAssignment();
  select.replaceChildren(...assignments.map((a) => h("option", {
    value: a.id, selected: a === chosen,
  }, `${a.stage_name} · ${a.post.name}`)));
  showPost();
  gps.locate();
}
