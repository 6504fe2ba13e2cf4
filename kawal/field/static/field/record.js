// Scan a box, then record what happened to it: a custody event, signed and queued.
//
// Before the officer confirms, the form shows what the ledger expected next (as of the
// cached duty), what this phone recorded since, and warns when typed seals differ from
// the seals the box was sealed with.

import { device, sign } from "./device.js";
import * as duty from "./duty.js";
import { $, $$, fail, h, isoLocal, REGION_CODE, splitList, t, toast, TPS_CODE, wib } from "./dom.js";
import { gpsField } from "./gps.js";
import * as handover from "./handover.js";
import { photosOf, preview } from "./photo.js";
import { allItems, enqueue, itemById } from "./queue.js";

const form = () => $("#record-form");
let gps;
let open = null; // {box, replaces, corrects, original, confirming}

// ---- the box list and the code typed or scanned ----

export function initBox() {
  $("#box-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const code = event.target.code.value.trim().toUpperCase();
    const error = $("[data-error]", event.target);
    fail(error, duty.findBox(code) ? "" : t("box_unknown", { code }));
    if (duty.findBox(code)) location.hash = `#record/${code}`;
  });
}

export function openBox() {
  const boxes = duty.boxes();
  duty.fillDatalist($("#box-codes"), boxes.map((b) => b.code));
  $("#box-list").replaceChildren(...boxes.map((b) => h("li", {},
    h("a", { href: `#record/${b.code}`, class: "boxlink" }, b.code),
    h("span", { class: "muted" }, ` ${t(`state:${b.state}`)}`))));
  $("#box-form").reset();
}

// ---- what the ledger expects, and what this phone recorded since the duty was fetched ----

async function localEvents(code) {
  const since = duty.current()?.generated_at ?? "";
  return (await allItems()).filter((item) => item.type === "event" && item.body.box === code
    && item.status !== "rejected" && item.recordedAt > since);
}

// The seals the box was last sealed with: this phone's latest sealing, else the ledger's.
function sealingSeals(box, local) {
  const sealed = local.filter((item) => item.body.kind === "sealed").at(-1);
  return sealed ? sealed.body.seals : box.seals;
}

function expectation(box, local) {
  const lines = [
    h("p", {}, h("b", {}, t(`state:${box.state}`)), box.tps ? ` · TPS ${box.tps}` : ""),
    h("p", { id: "record-next" }, box.next
      ? t("expect_next", { kind: t(`kind:${box.next.kind}`), place: box.next.place })
      : t("expect_none")),
    h("p", {}, box.seals.length ? t("sealed_with", { seals: box.seals.join(", ") }) : t("not_sealed")),
  ];
  if (local.length) {
    const list = local.map((item) => `${t(`kind:${item.body.kind}`)} ${wib(item.body.occurred_at)}`);
    lines.push(h("p", { class: "warn" }, t("recorded_here", { list: list.join(", ") })));
  }
  return lines;
}

function checkSeals() {
  const warning = $("#record-seal-warning");
  const typed = splitList(form().seals.value);
  const expected = open?.sealing ?? [];
  const kind = form().kind.value;
  const differ = kind !== "sealed" && kind !== "correction" && expected.length > 0 && typed.length > 0
    && (typed.length !== expected.length || typed.some((s) => !expected.includes(s)));
  warning.hidden = !differ;
  warning.textContent = differ ? t("seals_differ", { expected: expected.join(", ") }) : "";
}

function showKind() {
  const kind = form().kind.value;
  $("[data-handover]", form()).hidden = kind !== "handed_over";
  $("#record-cosign").hidden = kind !== "handed_over";
  checkSeals();
}

function unconfirm() {
  if (!open) return;
  open.confirming = false;
  $("#record-confirm").hidden = true;
  $("#record-save").textContent = t("save");
}

// ---- the form ----

export function init() {
  gps = gpsField($("[data-gps]", form()));
  const f = form();
  f.addEventListener("input", unconfirm);
  f.addEventListener("change", () => { showKind(); unconfirm(); });
  f.seals.addEventListener("input", checkSeals);
  f.photo.addEventListener("change", async () => {
    const img = $("#record-preview");
    img.hidden = !f.photo.files.length;
    if (f.photo.files.length) img.src = await preview(f.photo.files[0]);
  });
  f.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(false);
  });
  $("#record-cosign").addEventListener("click", () => submit(true));
}

function problem() {
  const f = form();
  const place = f.place.value.trim();
  if (!REGION_CODE.test(place) && !TPS_CODE.test(place)) return t("place_format");
  if (open.corrects && !f.note.value.trim()) return t("note_required");
  return "";
}

function copyOf(el) {
  const copy = el.cloneNode(true);
  copy.removeAttribute("id");
  return copy;
}

function confirmation(event) {
  const escorts = duty.team().filter((p) => event.escorts.includes(p.nrp)).map((p) => p.name);
  return [
    h("p", {}, h("b", {}, t("confirm"))),
    h("p", {}, `${t(`kind:${event.kind}`)} · ${event.box} · ${event.place}`),
    h("p", {}, `${t("seals")}: ${event.seals.join(", ") || "—"} · ${escorts.join(", ") || t("escorts_none")}`),
    copyOf($("#record-next")),
    $("#record-seal-warning").hidden ? null : copyOf($("#record-seal-warning")),
  ].filter(Boolean);
}

async function build() {
  const f = form();
  const dev = await device();
  const fix = gps.latest();
  const original = open.original;
  const event = {
    id: crypto.randomUUID(),
    box: open.box.code,
    kind: open.corrects ? "correction" : f.kind.value,
    // A fixed record keeps the time it happened, unless that time was the problem.
    occurred_at: original && Date.parse(original.occurred_at) <= Date.now()
      ? original.occurred_at : isoLocal(),
    place: f.place.value.trim(),
    escorts: $$("input[name=escorts]:checked", f).map((input) => input.value),
    seals: splitList(f.seals.value),
    device: dev.id,
  };
  const where = fix ?? (original?.lat !== undefined ? original : null);
  if (where) Object.assign(event, { lat: where.lat, lng: where.lng });
  const texts = event.kind === "handed_over" ? ["from_party", "to_party", "document", "note"] : ["document", "note"];
  for (const name of texts) if (f[name].value.trim()) event[name] = f[name].value.trim();
  if (open.corrects) event.corrects = open.corrects;
  return event;
}

async function submit(cosign) {
  const f = form();
  const error = $("[data-error]", f);
  fail(error, problem());
  if (!error.hidden || !f.reportValidity()) return;
  const event = await build();
  if (!open.confirming) {
    open.confirming = true;
    $("#record-confirm").replaceChildren(...confirmation(event));
    $("#record-confirm").hidden = false;
    $("#record-save").textContent = t("confirm_save");
    $("#record-confirm").scrollIntoView({ block: "center" });
    return;
  }
  const photos = await photosOf(f.photo);
  if (cosign) {
    await handover.request(event, photos, open.replaces);
    return;
  }
  event.signature = await sign(event);
  await enqueue("event", event, { photos, replaces: open.replaces });
  toast(t("saved"));
  location.hash = "#box";
}

function escortChoices(chosen) {
  return duty.team().map((p) => h("label", { class: "choice" },
    h("input", { type: "checkbox", name: "escorts", value: p.nrp, checked: chosen.includes(p.nrp) }),
    ` ${p.rank} ${p.name} · ${p.force.toUpperCase()}`));
}

function prefill(body) {
  const f = form();
  f.kind.value = body.kind;
  f.place.value = body.place;
  f.seals.value = body.seals.join(", ");
  for (const name of ["from_party", "to_party", "document", "note"]) f[name].value = body[name] ?? "";
}

// `fix`: a rejected record to send again, corrected; `corrects`: a synced one to correct.
export async function openRecord(code, { fix, corrects } = {}) {
  const found = duty.findBox(code);
  if (!found) { location.hash = "#box"; return; }
  const { box } = found;
  const original = fix ? (await itemById(fix))?.body : null;
  const target = corrects ? await itemById(corrects) : null;
  const local = await localEvents(code);
  open = { box, replaces: original ? fix : null, corrects: target ? corrects : null, original,
    sealing: sealingSeals(box, local), confirming: false };
  const f = form();
  f.reset();
  unconfirm();
  $("#record-preview").hidden = true;
  fail($("[data-error]", f), "");
  $("#record-title").textContent = code;
  $("#record-expect").replaceChildren(...expectation(box, local));
  duty.fillDatalist($("#record-places"), duty.places());
  const self = duty.current().member.nrp;
  $$("#record-escorts label").forEach((label) => label.remove());
  $("#record-escorts").append(...escortChoices(original ? original.escorts : [self]));
  // Disabled, the kind buttons leave the form's validation: a correction has its own kind.
  $("#record-kinds").disabled = Boolean(open.corrects);
  $("#record-kinds").hidden = Boolean(open.corrects);
  $("#record-corrects").hidden = !open.corrects;
  if (target) {
    $("#record-corrects").textContent = t("corrects", {
      what: t(`kind:${target.body.kind}`), time: wib(target.body.occurred_at, { withDate: true }),
    });
  }
  if (original) prefill(original);
  else if (box.next && !open.corrects) {
    f.kind.value = box.next.kind;
    f.place.value = box.next.place;
  } else f.place.value = box.tps ?? "";
  showKind();
  gps.locate();
}
