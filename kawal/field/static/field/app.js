// Kawal's field app: boots the views, routes on the URL's #fragment, keeps the status bar.
//
// Offline first: the service worker serves this shell with no network; every record goes to
// IndexedDB (queue.js) and is sent when a connection comes back.

import * as checkin from "./checkin.js";
import { device, enrol, Revoked } from "./device.js";
import { $, $$, fail, loadText, t, toast, wib } from "./dom.js";
import * as duty from "./duty.js";
import * as handover from "./handover.js";
import * as incident from "./incident.js";
import { canScan, scan } from "./qr.js";
import * as queue from "./queue.js";
import * as queueView from "./queue_view.js";
import * as record from "./record.js";

const VIEWS = {
  duty: () => duty.render(),
  checkin: (params) => checkin.open({ fix: params.get("fix") }),
  box: () => record.openBox(),
  record: (params, code) => record.openRecord(code, { fix: params.get("fix"), corrects: params.get("corrects") }),
  handover: () => handover.openHandover(),
  cosign: () => handover.openCosign(),
  incident: (params) => incident.open({ fix: params.get("fix") }),
  queue: () => queueView.render(),
};
let view = "";
let routing = 0;
let dutySync = null; // the last sync before the duty was fetched ("" none yet; null: not started)

function show(name) {
  view = name;
  for (const section of $$("main > section[data-view]")) section.hidden = section.dataset.view !== name;
  for (const tab of $$("#tabs a")) tab.classList.toggle("current", tab.dataset.tab === name);
  scrollTo(0, 0);
}

// body[data-ready] names the view once it is drawn (views draw from IndexedDB, asynchronously).
async function route() {
  const turn = ++routing;
  delete document.body.dataset.ready;
  const [path, query] = location.hash.slice(1).split("?");
  const enrolled = await device();
  $("#tabs").hidden = !enrolled;
  if (path.startsWith("enrol=") || !enrolled) {
    show("enrol");
    const code = path.startsWith("enrol=") ? decodeURIComponent(path.slice(6)) : "";
    $("#enrol-form").code.value = code;
    // Opened from the Polsek's QR code on a new phone: enrol straight away.
    if (code && !enrolled) $("#enrol-form").requestSubmit();
    else if (enrolled) fail($("#enrol-form [data-error]"), t("enrolled", { name: enrolled.member.name }));
    document.body.dataset.ready = "enrol";
    return;
  }
  const [name, arg] = path.split("/");
  const chosen = name in VIEWS ? name : "duty";
  show(chosen);
  await VIEWS[chosen](new URLSearchParams(query), arg && decodeURIComponent(arg));
  if (turn === routing) document.body.dataset.ready = chosen;
}

async function renderStatus() {
  const dev = await device();
  const items = await queue.allItems();
  const pending = items.filter((item) => item.status === "queued").length;
  const photos = (await queue.allPhotos()).filter((p) => !p.complete && !p.error).length;
  $("#pending-count").textContent = String(pending);
  $("#last-sync").textContent = queue.state.lastSync ? wib(queue.state.lastSync) : t("never");
  $("#net").textContent = navigator.onLine ? t("online") : t("offline");
  $("#net").className = `net ${navigator.onLine ? "on" : "off"}`;
  $("#revoked").hidden = !queue.state.revoked;
  const note = $("#sync-note");
  const seconds = Math.max(0, Math.round((queue.state.retryAt - Date.now()) / 1000));
  note.textContent = [
    queue.state.syncing ? t("syncing") : "",
    !queue.state.syncing && queue.state.retryAt && pending
      ? t("retry", { error: queue.state.error || t("offline"), seconds }) : "",
    photos ? t("photos_pending", { count: photos }) : "",
  ].filter(Boolean).join(" ");
  note.hidden = !note.textContent;
  if (dev) {
    $("#member-name").textContent = `${dev.member.rank} ${dev.member.name}`;
    $("#member-region").textContent = dev.region;
  }
  if (view === "queue") await queueView.render();
  // Records just reached the ledger: fetch the boxes' new state and next moves.
  if (dutySync !== null && !queue.state.syncing && (queue.state.lastSync ?? "") !== dutySync) {
    dutySync = queue.state.lastSync ?? "";
    refreshDuty();
  }
}

async function refreshDuty() {
  try {
    await duty.refresh(await queue.pendingCount());
  } catch (error) {
    if (error instanceof Revoked) {
      queue.state.revoked = true;
      await renderStatus();
    } else if (duty.current() && !navigator.onLine) toast(t("duty_offline"), "warn");
  }
  if (view === "duty") duty.render();
}

async function start() {
  await duty.load();
  await queue.start();
  await refreshDuty();
  dutySync = queue.state.lastSync ?? "";
}

function initEnrol() {
  const form = $("#enrol-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = $("[data-error]", form);
    fail(error, "");
    if ((await device()) && (await queue.pendingCount())) { fail(error, t("reenrol")); return; }
    try {
      await enrol(form.code.value, form.label.value.trim());
    } catch (problem) {
      fail(error, problem.message);
      return;
    }
    await start();
    location.hash = "#duty";
  });
}

// The language lives in Django's cookie; the shell is fetched afresh so the cached copy follows.
async function switchLanguage(code) {
  if (!navigator.onLine) { toast(t("language_offline"), "warn"); return; }
  document.cookie = `${document.body.dataset.languageCookie}=${code}; path=/; max-age=31536000; samesite=lax`;
  const shell = document.body.dataset.scope;
  const fresh = await fetch(shell, { cache: "reload" });
  for (const name of await caches.keys()) if (name.startsWith("kawal-field-")) await (await caches.open(name)).put(shell, fresh.clone());
  location.reload();
}

async function scanInto(button) {
  const dialog = $("#scanner");
  const field = button.closest("form").elements[button.dataset.scan];
  const stop = new AbortController();
  $("[data-close]", dialog).onclick = () => stop.abort();
  dialog.showModal();
  try {
    field.value = await scan($("video", dialog), { signal: stop.signal });
    field.form.requestSubmit();
  } catch (error) {
    if (error.name !== "AbortError") toast(error.message, "bad");
  } finally {
    dialog.close();
  }
}

// A new release's worker takes over while this page runs the old one: offer a reload, never
// force it (the officer may be halfway through a form).
function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  const updating = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => { $("#update").hidden = !updating; });
  $("#reload").addEventListener("click", () => location.reload());
  navigator.serviceWorker
    .register(document.body.dataset.serviceWorker, { scope: document.body.dataset.scope })
    .catch(() => {});
}

async function boot() {
  loadText();
  registerWorker();
  initEnrol();
  checkin.init();
  record.initBox();
  record.init();
  handover.initHandover();
  handover.initCosign();
  incident.init();
  for (const button of $$("[data-scan]")) {
    button.hidden = !canScan();
    button.addEventListener("click", () => scanInto(button));
  }
  for (const button of $$("[data-language]")) button.addEventListener("click", () => switchLanguage(button.dataset.language));
  $("#sync-now").addEventListener("click", () => queue.schedule(0));
  $("#duty-refresh").addEventListener("click", refreshDuty);
  queue.onChange(renderStatus);
  addEventListener("online", renderStatus);
  addEventListener("offline", renderStatus);
  setInterval(renderStatus, 15000);
  addEventListener("hashchange", route);
  if (await device()) await duty.load();
  await route();
  if (await device()) start();
  await renderStatus();
}

boot();
