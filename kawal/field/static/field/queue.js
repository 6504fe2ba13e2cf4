// The offline queue: every record goes to IndexedDB first, then to the server in order of recording.
//
// Each item keeps its client UUID and the exact body that was signed, so a retry after a
// lost answer is a duplicate the server acknowledges, never a second record. Items are
// "queued", "synced" or "rejected" (with the server's reason); nothing is ever deleted.
// Photos upload after the records, in chunks, resuming where the server says it stopped.

import { done, getMeta, setMeta, transact } from "./db.js";
import { api, Revoked } from "./device.js";

export const ENDPOINTS = {
  checkin: "/api/v1/checkins",
  event: "/api/v1/custody/events",
  incident: "/api/v1/incidents",
};
const BATCH = 100;
const CHUNK = 64 * 1024;
const MAX_DELAY = 60000;
// Answers that retrying the same body won't change. A 403 is not one: it is about the
// device's access, not the record, so the record waits (401 means the device was revoked).
const REFUSED = new Set([400, 413, 422]);

const listeners = new Set();
export const state = { syncing: false, lastSync: null, error: "", revoked: false, retryAt: 0 };
let timer = 0;
let running = false;
let again = false;
let attempts = 0;
let started = false;

export const onChange = (listener) => listeners.add(listener);
const changed = () => listeners.forEach((listener) => listener());

export const allItems = () => transact("queue", "readonly", (s) => done(s.queue.getAll()));
export const allPhotos = () => transact("photos", "readonly", (s) => done(s.photos.getAll()));
export const itemById = (id) => transact("queue", "readonly", (s) => done(s.queue.index("id").get(id)));

export async function pendingCount() {
  return (await allItems()).filter((item) => item.status === "queued").length;
}

// Keeps `body` (already signed) and its photos in one transaction, then tries to send it.
// `replaces` names a rejected record this one corrects; the old one stays, marked.
export async function enqueue(type, body, { photos = [], replaces = null } = {}) {
  const item = {
    id: body.id, type, body, status: "queued", recordedAt: new Date().toISOString(),
    photos: photos.map((p) => p.id), replaces,
  };
  await transact(["queue", "photos"], "readwrite", async (s) => {
    await done(s.queue.add(item));
    for (const photo of photos) {
      await done(s.photos.put({ ...photo, record: body.id, received: 0, complete: false }));
    }
    if (replaces) {
      const old = await done(s.queue.index("id").get(replaces));
      await done(s.queue.put({ ...old, replacedBy: body.id }));
    }
  });
  changed();
  schedule(0);
  return item;
}

export async function start() {
  if (started) return;
  started = true;
  state.lastSync = await getMeta("lastSync");
  state.revoked = Boolean(await getMeta("revoked"));
  addEventListener("online", () => { attempts = 0; schedule(0); });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") schedule(0);
  });
  changed();
  schedule(0);
}

export function schedule(delay) {
  clearTimeout(timer);
  state.retryAt = delay ? Date.now() + delay : 0;
  timer = setTimeout(sync, delay);
}

// Exponential backoff with jitter: 2 s, 4 s, 8 s … at most a minute between tries.
export const backoff = (n) => Math.min(MAX_DELAY, 2000 * 2 ** (n - 1)) * (0.8 + 0.4 * Math.random());

export async function sync() {
  if (state.revoked) return;
  if (running) { again = true; return; }
  running = true;
  state.syncing = true;
  changed();
  try {
    const failed = await sendAll();
    if (failed) throw failed;
    attempts = 0;
    state.error = "";
    state.retryAt = 0;
  } catch (error) {
    if (error instanceof Revoked) {
      state.revoked = true;
    } else {
      attempts += 1;
      // With no signal the browser's own words ("Failed to fetch") say nothing useful.
      state.error = navigator.onLine ? error.message : "";
      if (await pendingWork()) schedule(backoff(attempts));
    }
  } finally {
    running = false;
    state.syncing = false;
    changed();
    if (again) { again = false; schedule(0); }
  }
}

// Each kind of record in its own order of recording, the kind recorded first going first, then
// the photos. One kind that can't be sent (its endpoint down) holds up neither the others nor
// the photos; the first failure is returned for the retry. A revoked device stops everything.
async function sendAll() {
  const queued = (await allItems()).filter((item) => item.status === "queued");
  const kinds = [...new Set(queued.map((item) => item.type))];
  let failed = null;
  for (const task of [...kinds.map((kind) => () => sendKind(kind)), uploadPhotos]) {
    try {
      await task();
    } catch (error) {
      if (error instanceof Revoked) throw error;
      failed ??= error;
    }
  }
  return failed;
}

async function sendKind(kind) {
  while (await sendNextRun(kind)) changed();
}

async function pendingWork() {
  const photos = await allPhotos();
  return (await pendingCount()) > 0 || photos.some((p) => !p.complete && !p.error);
}

// Sends the oldest queued records of one kind (up to BATCH, in order); false when none is left.
async function sendNextRun(kind) {
  const queued = (await allItems()).filter((item) => item.status === "queued");
  const run = queued.filter((item) => item.type === kind).slice(0, BATCH);
  if (!run.length) return false;
  const answer = await post(run, queued.length);
  if (answer.refused && run.length > 1) {
    // One bad record can refuse a whole batch: send them one by one so only it is rejected.
    for (const item of run) await settle([item], await post([item], queued.length));
  } else {
    await settle(run, answer);
  }
  state.lastSync = new Date().toISOString();
  await setMeta("lastSync", state.lastSync);
  return true;
}

async function post(run, pending) {
  const response = await api(ENDPOINTS[run[0].type], {
    method: "POST", body: run.map((item) => item.body), pending,
  });
  const answer = await response.json().catch(() => null);
  if (response.ok && Array.isArray(answer?.results)) return { results: answer.results };
  if (REFUSED.has(response.status)) {
    const reason = typeof answer?.detail === "string" ? answer.detail : `HTTP ${response.status}`;
    return { refused: true, results: run.map((item) => ({ id: item.id, status: "rejected", error: reason })) };
  }
  throw new Error(answer?.detail || `HTTP ${response.status}`);
}

async function settle(run, { results }) {
  const now = new Date().toISOString();
  await transact("queue", "readwrite", async (s) => {
    for (const [i, item] of run.entries()) {
      const result = results.find((r) => r.id === item.id) ?? results[i];
      if (!result) continue;
      const rejected = result.status === "rejected";
      await done(s.queue.put({
        ...item,
        status: rejected ? "rejected" : "synced",
        error: rejected ? result.error || "rejected" : "",
        answer: result.status,
        syncedAt: now,
      }));
    }
  });
}

async function uploadPhotos() {
  for (const photo of await allPhotos()) {
    if (!photo.complete && !photo.error) await uploadPhoto(photo);
  }
}

async function savePhoto(id, changes) {
  await transact("photos", "readwrite", async (s) => {
    const photo = await done(s.photos.get(id));
    await done(s.photos.put({ ...photo, ...changes }));
  });
  changed();
}

async function uploadPhoto(photo) {
  const { total } = photo;
  let received = photo.received;
  if (received > 0) {
    const status = await api(`/api/v1/photos/${photo.id}`);
    if (status.ok) received = (await status.json()).received;
    else if (status.status === 404) received = 0;
    else throw new Error(`HTTP ${status.status}`);
  }
  const url = `/api/v1/photos/${photo.id}?record=${photo.record}&total=${total}`;
  while (received < total) {
    const end = Math.min(received + CHUNK, total) - 1;
    const response = await api(url, {
      method: "PUT",
      body: photo.blob.slice(received, end + 1, "image/jpeg"),
      headers: { "Content-Range": `bytes ${received}-${end}/${total}`, "Content-Type": "image/jpeg" },
    });
    const answer = await response.json().catch(() => ({}));
    if (response.status === 409 && Number.isInteger(answer.received)) {
      received = answer.received;
    } else if (REFUSED.has(response.status)) {
      await savePhoto(photo.id, { error: answer.detail || `HTTP ${response.status}` });
      return;
    } else if (!response.ok) {
      throw new Error(answer.detail || `HTTP ${response.status}`);
    } else {
      received = Number.isInteger(answer.received) ? answer.received : end + 1;
    }
    await savePhoto(photo.id, { received });
  }
  // Uploaded: the JPEG itself can go, its record of having been sent stays.
  await savePhoto(photo.id, { complete: true, received: total, blob: null });
}
