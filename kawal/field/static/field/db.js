// The phone's storage: one IndexedDB database that outlives reloads, closed apps and reboots.
//
// Stores: "meta" (the device, its keys, the cached duty, the last sync), "queue" (every
// record in order of recording, keyed by an auto-increment seq; "id" is the client UUID)
// and "photos" (compressed JPEGs waiting to upload, with how much the server has).

const NAME = "kawal-field";
let opened;

function open() {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(NAME, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("meta");
      const queue = db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
      queue.createIndex("id", "id", { unique: true });
      db.createObjectStore("photos", { keyPath: "id" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opened;
}

export function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

// Runs `work` with the named stores in one transaction and resolves with its result once
// the transaction is committed to disk ("strict": a record survives the battery dying).
export async function transact(names, mode, work) {
  const db = await open();
  const list = [names].flat();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(list, mode, { durability: "strict" });
    const stores = Object.fromEntries(list.map((n) => [n, tx.objectStore(n)]));
    let result;
    Promise.resolve()
      .then(() => work(stores))
      .then(
        (value) => { result = value; },
        (error) => { tx.abort(); reject(error); },
      );
    tx.oncomplete = () => resolve(result);
    tx.onabort = () => reject(tx.error ?? new Error("storage transaction aborted"));
  });
}

export const getMeta = (key) => transact("meta", "readonly", (s) => done(s.meta.get(key)));
export const setMeta = (key, value) =>
  transact("meta", "readwrite", (s) => done(s.meta.put(value, key)));
export const deleteMeta = (key) => transact("meta", "readwrite", (s) => done(s.meta.delete(key)));
