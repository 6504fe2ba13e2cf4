// Photos of a berita acara or an incident, made small on the phone before they queue.

const MAX_BYTES = 200 * 1024;
const MAX_SIDE = 1600;

function jpeg(canvas, quality) {
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
}

// A JPEG of at most about 200 KB: lower the quality first, then the size, until it fits.
export async function compress(file) {
  const image = await createImageBitmap(file, { imageOrientation: "from-image" });
  let scale = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
  let quality = 0.8;
  const canvas = document.createElement("canvas");
  for (;;) {
    canvas.width = Math.max(1, Math.round(image.width * scale));
    canvas.height = Math.max(1, Math.round(image.height * scale));
    canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await jpeg(canvas, quality);
    if (blob.size <= MAX_BYTES || canvas.width <= 64) {
      image.close();
      return blob;
    }
    if (quality > 0.5) quality -= 0.15;
    else scale *= 0.75;
  }
}

// The photos chosen in `input`, compressed, each with its own id, ready for enqueue().
export async function photosOf(input) {
  const photos = [];
  for (const file of input.files) {
    const blob = await compress(file);
    photos.push({ id: crypto.randomUUID(), blob, total: blob.size });
  }
  return photos;
}

// A small preview as a data: URL (the page's CSP allows data: images, not blob: ones).
export function preview(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
