// An incident from the field, queued offline like every record, for POST /api/v1/incidents.

import * as duty from "./duty.js";
import { $, fail, h, isoLocal, localInput, REGION_CODE, t, toast, TPS_CODE } from "./dom.js";
import { gpsField } from "./gps.js";
import { photosOf } from "./photo.js";
import { enqueue, itemById } from "./queue.js";

const form = () => $("#incident-form");
const TEXTS = ["people_involved", "actions_taken"];
const COUNTS = ["dead", "injured"];
let gps;
let replaces = null;

function build() {
  const f = form();
  const fix = gps.latest();
  const record = {
    id: crypto.randomUUID(),
    category: f.category.value,
    severity: f.severity.value,
    occurred_at: isoLocal(new Date(f.occurred_at.value)),
    place: f.place.value.trim(),
    description: f.description.value.trim(),
  };
  if (fix) Object.assign(record, { lat: fix.lat, lng: fix.lng });
  for (const name of TEXTS) if (f[name].value.trim()) record[name] = f[name].value.trim();
  for (const name of COUNTS) if (f[name].value !== "") record[name] = Number(f[name].value);
  return record;
}

export function init() {
  gps = gpsField($("[data-gps]", form()));
  form().addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = form();
    const error = $("[data-error]", f);
    const place = f.place.value.trim();
    fail(error, REGION_CODE.test(place) || TPS_CODE.test(place) ? "" : t("place_format"));
    if (!error.hidden) return;
    await gps.wait();
    const photos = await photosOf(f.photos);
    await enqueue("incident", build(), { photos, replaces });
    replaces = null;
    toast(t("saved"));
    location.hash = "#queue";
  });
}

function prefill(body) {
  const f = form();
  for (const name of ["category", "severity", "place", "description", ...TEXTS]) f[name].value = body[name] ?? "";
  for (const name of COUNTS) f[name].value = body[name] ?? "";
  f.occurred_at.value = localInput(new Date(body.occurred_at));
}

export async function open({ fix } = {}) {
  const f = form();
  f.reset();
  fail($("[data-error]", f), "");
  const categories = duty.current()?.incident_categories ?? [];
  f.category.replaceChildren(...categories.map(([value, label]) => h("option", { value }, label)));
  const places = duty.places();
  duty.fillDatalist($("#incident-places"), places);
  f.place.value = duty.currentAssignment()?.post.tps[0] ?? duty.current()?.region ?? "";
  f.occurred_at.value = localInput();
  const original = fix ? (await itemById(fix))?.body : null;
  replaces = original ? fix : null;
  if (original) prefill(original);
  gps.locate();
}
