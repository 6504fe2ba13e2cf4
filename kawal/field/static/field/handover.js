// Co-signed handovers: the sender's phone shows the event as a QR code, the receiver's phone
// signs the same canonical bytes (canonical.js) and answers with a QR code of its signature.
//
// Sender:   {"kawal":"cosign","event": <the event's fields, with the sender's device>}
// Receiver: {"kawal":"cosignature","event": <id>,"device": <uuid>,"signature": <base64>}
// The event is queued with both signatures; the server checks each over the same bytes.

import { deleteMeta, getMeta, setMeta } from "./db.js";
import { device, sign } from "./device.js";
import * as duty from "./duty.js";
import { $, fail, h, t, toast, wib } from "./dom.js";
import { drawQr } from "./qr.js";
import { enqueue } from "./queue.js";

function parse(text, kind) {
  try {
    const value = JSON.parse(text.trim());
    return value?.kawal === kind ? value : null;
  } catch {
    return null;
  }
}

// ---- the sender ----

// Keeps the unsigned event on the phone (a reload or a flat battery loses nothing) and shows it.
export async function request(event, photos, replaces) {
  await setMeta("handover", { event, photos, replaces });
  location.hash = "#handover";
}

export async function openHandover() {
  const pending = await getMeta("handover");
  if (!pending) { location.hash = "#box"; return; }
  const text = JSON.stringify({ kawal: "cosign", event: pending.event });
  drawQr($("#handover-qr"), text);
  $("#handover-request").value = text;
  $("#handover-form").reset();
  fail($("#handover-form [data-error]"), "");
}

async function finish(cosignatures) {
  const pending = await getMeta("handover");
  if (!pending) return; // already saved (a double tap)
  const body = { ...pending.event };
  body.signature = await sign(pending.event);
  if (cosignatures.length) body.cosignatures = cosignatures;
  await enqueue("event", body, { photos: pending.photos, replaces: pending.replaces });
  await deleteMeta("handover");
  toast(t("saved"));
  location.hash = "#queue";
}

export function initHandover() {
  const form = $("#handover-form");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const pending = await getMeta("handover");
    const answer = parse(form.answer.value, "cosignature");
    const dev = await device();
    const valid = answer && answer.event === pending?.event.id && typeof answer.device === "string"
      && typeof answer.signature === "string" && answer.device !== dev.id;
    fail($("[data-error]", form), valid ? "" : t("cosign_answer_bad"));
    if (valid) await finish([{ device: answer.device, signature: answer.signature }]);
  });
  $("#handover-alone").addEventListener("click", () => finish([]));
  $("#handover-cancel").addEventListener("click", async () => {
    const pending = await getMeta("handover");
    await deleteMeta("handover");
    location.hash = pending ? `#record/${pending.event.box}` : "#box";
  });
}

// ---- the receiver ----

let received = null;

function summary(event) {
  const rows = [
    [t("box"), event.box],
    [t("when"), wib(event.occurred_at, { withDate: true })],
    [t("place"), event.place],
    [t("from_to"), `${event.from_party ?? "—"} → ${event.to_party ?? "—"}`],
    [t("seals"), (event.seals ?? []).join(", ") || "—"],
    [t("document"), event.document ?? "—"],
  ];
  return rows.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]);
}

export function initCosign() {
  const form = $("#cosign-form");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const asked = parse(form.request.value, "cosign");
    const event = asked?.event;
    const dev = await device();
    let problem = "";
    if (!event || event.kind !== "handed_over" || !event.id || !event.box || !event.device) problem = t("cosign_bad");
    else if (event.device === dev.id) problem = t("cosign_self");
    fail($("[data-error]", form), problem);
    received = problem ? null : event;
    $("#cosign-check").hidden = !received;
    $("#cosign-answer").hidden = true;
    if (!received) return;
    $("#cosign-summary").replaceChildren(...summary(event));
    $("#cosign-warning").hidden = Boolean(duty.findBox(event.box));
    $("#cosign-warning").textContent = t("cosign_other_box");
  });
  $("#cosign-sign").addEventListener("click", async () => {
    const dev = await device();
    const signature = await sign(received);
    const text = JSON.stringify({ kawal: "cosignature", event: received.id, device: dev.id, signature });
    drawQr($("#cosign-qr"), text);
    $("#cosign-text").value = text;
    $("#cosign-form").hidden = true;
    $("#cosign-check").hidden = true;
    $("#cosign-answer").hidden = false;
  });
}

export function openCosign() {
  received = null;
  $("#cosign-form").reset();
  $("#cosign-form").hidden = false;
  $("#cosign-check").hidden = true;
  $("#cosign-answer").hidden = true;
  fail($("#cosign-form [data-error]"), "");
}
