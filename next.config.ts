import { networkInterfaces } from "node:os";
import type { NextConfig } from "next";

/**
 * The machine's own IPv4 addresses: when the lab listens on the LAN (HOST=0.0.0.0), phones open the
 * page at one of them, and the dev server would otherwise refuse them its scripts.
 */
function lanHosts(): string[] {
  const hosts: string[] = [];
  for (const infos of Object.values(networkInterfaces())) {
    for (const info of infos ?? []) {
      if (!info.internal && (info.family as string | number) !== "IPv6" && (info.family as string | number) !== 6) hosts.push(info.address);
    }
  }
  const host = process.env.HOST?.trim();
  if (host && !["0.0.0.0", "::", "127.0.0.1", "localhost"].includes(host)) hosts.push(host.replace(/^\[|\]$/g, ""));
  return [...new Set(hosts)];
}

const nextConfig: NextConfig = {
  // The dev server only trusts `localhost` and the hostname it was started with; tests and
  // people open the lab at 127.0.0.1 too, and the audience at the machine's LAN address.
  allowedDevOrigins: ["127.0.0.1", "localhost", ...lanHosts()],
  // The badge in the corner overlaps the dashboard on a projector.
  devIndicators: false,
};

export default nextConfig;
