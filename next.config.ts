import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The dev server only trusts `localhost` and the hostname it was started with; tests and
  // people open the lab at 127.0.0.1 too, which would otherwise block Next's dev resources.
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  // The badge in the corner overlaps the dashboard on a projector.
  devIndicators: false,
};

export default nextConfig;
