// Every background job. Each domain exports its jobs; they are listed here once.
import { meteringJobs } from "@/lib/metering/jobs";
import type { Job } from "./runner";

export const JOBS: Job[] = [...meteringJobs];
