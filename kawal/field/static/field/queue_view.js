// The records on this phone, newest first: each queued, synced or rejected with the reason.

import * as duty from "./duty.js";
import { $, h, t, wib } from "./dom.js";
import { allItems, allPhotos } from "./queue.js";

function title(item) {
  const body = item.body;
  if (item.type === "event") return `${t(`kind:${body.kind}`)} · ${body.box}`;
  if (item.type === "incident") {
    const categories = new Map(duty.current()?.incident_categories ?? []);
    return `${t("type:incident")} · ${categories.get(body.category) ?? body.category}`;
  }
  const assignment = duty.current()?.assignments.find((a) => a.id === body.assignment);
  return `${t("type:checkin")}${assignment ? ` · ${assignment.post.name}` : ""}`;
}

function photoLine(photo) {
  if (photo.complete) return t("photo_done");
  if (photo.error) return t("photo_refused", { error: photo.error });
  return t("photo_waiting", { percent: `${Math.floor((100 * photo.received) / photo.total)}%` });
}

const FIX = { event: (b) => `#record/${b.box}`, checkin: () => "#checkin", incident: () => "#incident" };

function actions(item) {
  if (item.status === "rejected") {
    return item.replacedBy
      ? h("p", { class: "muted" }, t("replaced"))
      : h("a", { class: "button", href: `${FIX[item.type](item.body)}?fix=${item.id}` }, t("fix"));
  }
  if (item.status === "synced" && item.type === "event" && item.body.kind !== "correction") {
    return h("a", { class: "button small", href: `#record/${item.body.box}?corrects=${item.id}` }, t("correct"));
  }
  return null;
}

function row(item, photos) {
  const body = item.body;
  const signed = [
    body.signature ? t("signed") : null,
    body.cosignatures?.length ? t("cosigned") : null,
  ].filter(Boolean).join(" · ");
  return h("li", { class: `record ${item.status}`, dataset: { id: item.id, type: item.type, status: item.status } },
    h("div", { class: "line" },
      h("b", {}, title(item)),
      h("span", { class: `chip ${item.status}` }, t(`status:${item.status}`))),
    h("div", { class: "muted" }, `${wib(body.occurred_at, { withDate: true })}${signed ? ` · ${signed}` : ""}`),
    item.status === "rejected" ? h("p", { class: "bad reason" }, t("reason", { error: item.error })) : null,
    ...photos.map((p) => h("div", { class: "muted photo", dataset: { photo: p.id } }, photoLine(p))),
    actions(item));
}

export async function render() {
  const photos = await allPhotos();
  const items = (await allItems()).reverse();
  $("#queue-list").replaceChildren(...items.map((item) => row(item, photos.filter((p) => p.record === item.id))));
}
