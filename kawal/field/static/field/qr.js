// QR codes on the phone: drawing one (lean-qr, vendored) and reading one with the camera.
//
// Reading uses the browser's BarcodeDetector where it has one (Chrome on Android does);
// elsewhere the officer types or pastes the text, so every scan has a text field beside it.

import { correction, generate } from "./vendor/lean-qr.mjs";

export function drawQr(canvas, text) {
  generate(text, { minCorrectionLevel: correction.L }).toCanvas(canvas);
}

export const canScan = () => "BarcodeDetector" in globalThis && Boolean(navigator.mediaDevices);

// Shows the camera in `video` until a QR code is read; resolves with its text.
export async function scan(video, { signal } = {}) {
  const detector = new BarcodeDetector({ formats: ["qr_code"] });
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  video.srcObject = stream;
  await video.play();
  try {
    for (;;) {
      if (signal?.aborted) throw new DOMException("scan cancelled", "AbortError");
      const codes = await detector.detect(video);
      if (codes.length) return codes[0].rawValue;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    stream.getTracks().forEach((track) => track.stop());
    video.srcObject = null;
  }
}
