"use client";

import qrcode from "qrcode-generator";
import { useMemo } from "react";

/**
 * A QR code drawn as SVG, made in the browser (qrcode-generator): no service is asked, so it works
 * in a room without internet. Dark modules on a white square with a quiet zone, whatever the theme —
 * phone cameras read dark-on-light best.
 */
export function QrCode({ text, size = 220, label }: { text: string; size?: number; label: string }) {
  const { count, path } = useMemo(() => {
    const code = qrcode(0, "M");
    code.addData(text);
    code.make();
    const n = code.getModuleCount();
    // One path of unit squares: small DOM, crisp at any size.
    let d = "";
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) if (code.isDark(row, col)) d += `M${col} ${row}h1v1h-1z`;
    }
    return { count: n, path: d };
  }, [text]);
  const quiet = 4;
  const extent = count + quiet * 2;
  return (
    <svg
      role="img"
      aria-label={label}
      data-testid="qr-code"
      width={size}
      height={size}
      style={{ maxWidth: "100%", height: "auto" }}
      viewBox={`${-quiet} ${-quiet} ${extent} ${extent}`}
      shapeRendering="crispEdges"
      className="rounded-lg"
    >
      <rect x={-quiet} y={-quiet} width={extent} height={extent} fill="#ffffff" />
      <path d={path} fill="#000000" />
    </svg>
  );
}
