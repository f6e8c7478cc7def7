import type { Metadata } from "next";
import { AudienceView } from "@/components/shell/audience-view";

export const metadata: Metadata = {
  title: "Stampede Lab — audience",
  description: "The lab's run, live and read-only.",
};

export default function AudiencePage() {
  return <AudienceView />;
}
