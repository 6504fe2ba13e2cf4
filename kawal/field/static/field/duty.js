// My duty: the member's assignments, posts, teams and boxes, cached on the phone for offline.

import { getMeta, setMeta } from "./db.js";
import { api } from "./device.js";
import { $, h, t, wib } from "./dom.js";

let duty = null;

export const current = () => duty;

export async function load() {
  duty = (await getMeta("duty")) ?? null;
  return duty;
}

// Fetches a fresh duty; on no connection the cached one stays (and says how old it is).
export async function refresh(pending) {
  const response = await api("/api/v1/field/duty", { pending });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  duty = await response.json();
  await setMeta("duty", duty);
  return duty;
}

const assignments = () => duty?.assignments ?? [];

export function findBox(code) {
  for (const assignment of assignments()) {
    const box = assignment.boxes.find((b) => b.code === code);
    if (box) return { box, assignment };
  }
  return null;
}

export function boxes() {
  const seen = new Map();
  for (const a of assignments()) for (const box of a.boxes) if (!seen.has(box.code)) seen.set(box.code, box);
  return [...seen.values()];
}

// Everyone the member serves with (the member first), once each, for picking escorts.
export function team() {
  const people = new Map();
  if (duty) people.set(duty.member.nrp, { ...duty.member, self: true });
  for (const a of assignments()) for (const p of a.team) if (!people.has(p.nrp)) people.set(p.nrp, p);
  return [...people.values()];
}

// Place codes the member is likely to record at: the posts' TPS, the boxes' next stops, the region.
export function places() {
  const codes = new Set();
  for (const a of assignments()) {
    a.post.tps.forEach((code) => codes.add(code));
    for (const box of a.boxes) {
      if (box.tps) codes.add(box.tps);
      if (box.next) codes.add(box.next.place);
    }
  }
  if (duty) codes.add(duty.region);
  return [...codes];
}

// The assignment under way now, else the next one to start, else the last one.
export function currentAssignment(now = Date.now()) {
  const list = assignments();
  return list.find((a) => Date.parse(a.starts_at) <= now && now < Date.parse(a.ends_at))
    ?? list.find((a) => Date.parse(a.starts_at) > now)
    ?? list.at(-1) ?? null;
}

export function fillDatalist(list, codes) {
  list.replaceChildren(...codes.map((code) => h("option", { value: code })));
}

function person(p) {
  return h("li", {},
    h("b", {}, `${p.rank} ${p.name}`), ` · ${p.force.toUpperCase()} · ${p.nrp} `,
    p.phone ? h("a", { href: `tel:${p.phone}`, class: "tel" }, p.phone) : null);
}

function boxRow(box) {
  const next = box.next
    ? t("next", { kind: t(`kind:${box.next.kind}`), place: box.next.place })
    : t("expect_none");
  return h("li", {},
    h("a", { href: `#record/${box.code}`, class: "boxlink" }, box.code),
    h("span", { class: "muted" }, ` ${t(`state:${box.state}`)} · ${next}`));
}

function assignmentCard(a) {
  return h("article", { class: "card duty", dataset: { assignment: a.id } },
    h("h2", {}, a.stage_name),
    h("p", { class: "muted" }, t("starts", {
      start: wib(a.starts_at, { withDate: true }), end: wib(a.ends_at, { withDate: true }),
    })),
    h("p", {}, h("b", {}, `${t("post")}: `), `${a.post.name} (${a.post.code})`),
    a.post.tps.length ? h("p", {}, h("b", {}, `${t("tps")}: `), a.post.tps.join(", ")) : null,
    h("h3", {}, t("team")),
    h("ul", { class: "people" }, a.team.map(person)),
    a.boxes.length ? h("h3", {}, t("boxes")) : null,
    a.boxes.length ? h("ul", { class: "boxes" }, a.boxes.map(boxRow)) : null);
}

export function render() {
  const list = $("#duty-list");
  if (!duty) {
    list.replaceChildren();
    return;
  }
  $("#duty-as-of").textContent = t("duty_as_of", { time: wib(duty.generated_at, { withDate: true }) });
  list.replaceChildren(...(assignments().length
    ? assignments().map(assignmentCard)
    : [h("p", { class: "card" }, t("no_duty"))]));
}
