import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { THEME_BOOT_SCRIPT } from "@/components/shell/theme-boot";
import "./globals.css";

const TITLE = "Stampede Lab";
const DESCRIPTION = "See a cache stampede happen on real Redis nodes, and watch Redlock hold (or not).";

/**
 * A shared permalink shows the dashboard (public/og.png). Link previews need an absolute image URL,
 * and the lab answers at whatever address it was opened with (loopback, the room's LAN address), so
 * the base is the request's own host rather than a fixed one.
 */
export async function generateMetadata(): Promise<Metadata> {
  const request = await headers();
  return {
    title: TITLE,
    description: DESCRIPTION,
    metadataBase: requestBase(request.get("x-forwarded-host") ?? request.get("host"), request.get("x-forwarded-proto")),
    openGraph: {
      type: "website",
      title: TITLE,
      description: DESCRIPTION,
      images: [{ url: "/og.png", width: 1920, height: 1080, alt: "The Stampede Lab dashboard: the run controls and the lock grid of five Redis lock nodes" }],
    },
    twitter: { card: "summary_large_image" },
  };
}

/** `http(s)://host[:port]` of the request; a header that makes no URL falls back to the lab's default address. */
function requestBase(host: string | null, protocol: string | null): URL {
  const scheme = protocol === "https" ? "https" : "http";
  try {
    if (host) return new URL(`${scheme}://${host}`);
  } catch {
    // Not a host: fall through.
  }
  return new URL("http://127.0.0.1:3000");
}

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: "#020617",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The theme class is set before the first paint by the boot script, hence the warning switch.
    <html lang="en" className="dark" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-slate-950 font-sans text-slate-100 antialiased">{children}</body>
    </html>
  );
}
